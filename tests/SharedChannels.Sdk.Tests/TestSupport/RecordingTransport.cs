using System.Collections.Concurrent;
using System.Text.Json;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Tests.TestSupport;

/// <summary>A loopback transport that also records the topic and payload of every frame the peer received.</summary>
internal sealed class RecordingTransport(LoopbackNetwork network) : IRemoteTransport
{
    private readonly LoopbackTransport _inner = new(network);

    public ConcurrentQueue<(Uri SiteUrl, string Topic, JsonElement Payload)> Sent { get; } = new();

    /// <summary>Gets or sets a hook that may answer a request itself (return a response) instead of delivering it (return <see langword="null"/>).</summary>
    public Func<RemoteRequest, RemoteResponse?>? Answer { get; set; }

    public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        RemoteResponse response = Answer?.Invoke(request) ?? await _inner.SendAsync(siteUrl, request, cancellationToken);
        if (request.Endpoint is not (RemoteEndpoint.Upload or RemoteEndpoint.ProfileImage))
        {
            using JsonDocument frame = JsonDocument.Parse(request.Body);
            JsonElement msg = frame.RootElement.GetProperty("msg");
            Sent.Enqueue((siteUrl, msg.GetProperty("topic").GetString()!, msg.GetProperty("payload").Clone()));
        }

        return response;
    }
}
