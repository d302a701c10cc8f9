using System.Collections.Concurrent;
using System.Text.Json;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Tests.TestSupport;

/// <summary>
/// A loopback transport that records every request (endpoint, topic, payload, upload id, body length, answer) and can
/// break the connection on one upload request: it never reaches the peer and the sender sees a transport failure.
/// </summary>
internal sealed class CuttingTransport(LoopbackNetwork network) : IRemoteTransport
{
    private readonly LoopbackTransport _inner = new(network);
    private int _uploads;

    /// <summary>Gets or sets which upload request (1 for the first) fails as if the connection broke.</summary>
    public int? FailUploadNumber { get; set; }

    public ConcurrentQueue<Sent> Requests { get; } = new();

    public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        string? topic = null;
        JsonElement? payload = null;
        if (request.Endpoint is RemoteEndpoint.Message)
        {
            using JsonDocument frame = JsonDocument.Parse(request.Body);
            JsonElement msg = frame.RootElement.GetProperty("msg");
            topic = msg.GetProperty("topic").GetString();
            payload = msg.GetProperty("payload").Clone();
        }

        if (request.Endpoint == RemoteEndpoint.Upload && Interlocked.Increment(ref _uploads) == FailUploadNumber)
        {
            Requests.Enqueue(new Sent(request.Endpoint, topic, payload, request.UploadId, request.Body.Length, null));
            throw new HttpRequestException("The connection was reset (simulated).");
        }

        RemoteResponse response = await _inner.SendAsync(siteUrl, request, cancellationToken);
        Requests.Enqueue(new Sent(request.Endpoint, topic, payload, request.UploadId, request.Body.Length, response));
        return response;
    }

    internal sealed record Sent(RemoteEndpoint Endpoint, string? Topic, JsonElement? Payload, string? UploadId, int BodyLength, RemoteResponse? Response);
}
