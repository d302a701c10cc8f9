using System.Collections.Concurrent;
using System.Text.Json;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Tests.TestSupport;

/// <summary>One <c>sharedchannel_sync</c> request as the sender put it on the wire.</summary>
/// <param name="Sequence">The order in which the sender handed it to the transport (1-based).</param>
/// <param name="Host">The peer's host name.</param>
/// <param name="PostIds">The ids of the posts it carries, in order.</param>
/// <param name="UserIds">The ids of the users it describes.</param>
internal sealed record SyncRequest(int Sequence, string Host, IReadOnlyList<string> PostIds, IReadOnlyCollection<string> UserIds);

/// <summary>
/// A loopback transport that looks at every <c>sharedchannel_sync</c> request: records it, counts how many are on
/// their way at once, and can answer one itself (a failure, a 413) or hold requests until several are in flight.
/// Every other request passes through untouched.
/// </summary>
internal sealed class SyncTrafficTransport(LoopbackNetwork network) : IRemoteTransport
{
    // Only a safety net: a test whose sender never reaches the expected concurrency fails on its assertions instead of hanging.
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(2);

    private readonly LoopbackTransport _inner = new(network);
    private readonly object _gate = new();
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sequence;
    private int _inFlight;
    private int _maxInFlight;
    private int _holdsTimedOut;

    /// <summary>Gets the sync requests handed to the transport, in the order the sender handed them over.</summary>
    public ConcurrentQueue<SyncRequest> Attempted { get; } = new();

    /// <summary>Gets the sync requests the peer answered (itself, not <see cref="Intercept"/>), in the order of the answers.</summary>
    public ConcurrentQueue<(SyncRequest Request, int StatusCode)> Delivered { get; } = new();

    /// <summary>
    /// Gets or sets a hook that sees each sync request before it is delivered: it returns a response to answer with
    /// instead of the peer, <see langword="null"/> to deliver it, or throws to simulate a transport failure.
    /// </summary>
    public Func<SyncRequest, RemoteResponse?>? Intercept { get; set; }

    /// <summary>Gets or sets a hook awaited before each sync request is delivered (to hold one back, e.g. until another was answered).</summary>
    public Func<SyncRequest, Task>? BeforeDelivery { get; set; }

    /// <summary>Gets or sets a hook called after the peer answered a sync request.</summary>
    public Action<SyncRequest>? Answered { get; set; }

    /// <summary>Gets or sets how many sync requests must be in flight before any is delivered (0: no holding).</summary>
    public int HoldUntilInFlight { get; set; }

    /// <summary>Gets or sets a value indicating whether each sync request first yields, so the sender can run on meanwhile.</summary>
    public bool YieldBeforeDelivery { get; set; }

    /// <summary>Gets the most sync requests that were in flight at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Gets how many held requests were let go by the safety limit rather than by reaching <see cref="HoldUntilInFlight"/>.</summary>
    public int HoldsTimedOut => Volatile.Read(ref _holdsTimedOut);

    /// <summary>Gets the sync requests that carried posts and were accepted (HTTP 2xx) by the peer at <paramref name="host"/>.</summary>
    public IReadOnlyList<SyncRequest> AcceptedWithPosts(string host) =>
        [.. Delivered.Where(d => d.Request.Host == host && d.StatusCode is >= 200 and < 300 && d.Request.PostIds.Count > 0).Select(d => d.Request)];

    public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Endpoint != RemoteEndpoint.Message || Parse(siteUrl, request) is not { } sync)
        {
            return await _inner.SendAsync(siteUrl, request, cancellationToken);
        }

        Attempted.Enqueue(sync);
        int inFlight = Interlocked.Increment(ref _inFlight);
        UpdateMax(inFlight);
        try
        {
            if (HoldUntilInFlight > 0)
            {
                await HoldAsync(inFlight);
            }

            if (YieldBeforeDelivery)
            {
                await Task.Yield();
            }

            if (BeforeDelivery is { } before)
            {
                await before(sync);
            }

            if (Intercept?.Invoke(sync) is { } answer)
            {
                return answer;
            }

            RemoteResponse response = await _inner.SendAsync(siteUrl, request, cancellationToken);
            Delivered.Enqueue((sync, response.StatusCode));
            Answered?.Invoke(sync);
            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HoldAsync(int inFlight)
    {
        Task release;
        lock (_gate)
        {
            if (inFlight >= HoldUntilInFlight)
            {
                _release.TrySetResult();
                _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return;
            }

            release = _release.Task;
        }

        try
        {
            await release.WaitAsync(HoldLimit);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _holdsTimedOut);
        }
    }

    private void UpdateMax(int inFlight)
    {
        int seen = Volatile.Read(ref _maxInFlight);
        while (inFlight > seen && Interlocked.CompareExchange(ref _maxInFlight, inFlight, seen) != seen)
        {
            seen = Volatile.Read(ref _maxInFlight);
        }
    }

    private SyncRequest? Parse(Uri siteUrl, RemoteRequest request)
    {
        using JsonDocument frame = JsonDocument.Parse(request.Body);
        JsonElement msg = frame.RootElement.GetProperty("msg");
        if (msg.GetProperty("topic").GetString() != "sharedchannel_sync")
        {
            return null;
        }

        JsonElement payload = msg.GetProperty("payload");
        string[] posts = payload.TryGetProperty("posts", out JsonElement list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(p => p.GetProperty("id").GetString()!)]
            : [];
        string[] users = payload.TryGetProperty("users", out JsonElement map) && map.ValueKind == JsonValueKind.Object
            ? [.. map.EnumerateObject().Select(u => u.Name)]
            : [];
        return new SyncRequest(Interlocked.Increment(ref _sequence), siteUrl.Host, posts, users);
    }
}
