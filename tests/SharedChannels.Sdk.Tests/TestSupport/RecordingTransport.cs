using System.Collections.Concurrent;
using System.Text.Json;
using SharedChannels.Transport;
using SharedChannels.Transport.InMemory;

namespace SharedChannels.Tests.TestSupport;

/// <summary>A loopback transport that also records the topic and payload of every frame the peer received.</summary>
internal sealed class RecordingTransport(LoopbackNetwork network) : IRemoteTransport
{
    private readonly LoopbackTransport _inner = new(network);

    public ConcurrentQueue<(Uri SiteUrl, string Topic, JsonElement Payload)> Sent { get; } = new();

    public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        RemoteResponse response = await _inner.SendAsync(siteUrl, request, cancellationToken);
        if (request.Endpoint is not (RemoteEndpoint.Upload or RemoteEndpoint.ProfileImage))
        {
            using JsonDocument frame = JsonDocument.Parse(request.Body);
            JsonElement msg = frame.RootElement.GetProperty("msg");
            Sent.Enqueue((siteUrl, msg.GetProperty("topic").GetString()!, msg.GetProperty("payload").Clone()));
        }

        return response;
    }
}
