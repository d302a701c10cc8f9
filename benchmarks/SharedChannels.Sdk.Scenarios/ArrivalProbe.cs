using System.Collections.Concurrent;
using System.Diagnostics;

namespace SharedChannels.Scenarios;

/// <summary>
/// B's side of the measurements: counts the peer's posts B has stored and, in the live scenario, keeps when each one
/// became visible there (<see cref="Stopwatch.GetTimestamp"/>). Nothing polls.
/// </summary>
/// <remarks>
/// <see cref="ProbedChannelContent"/> reports each post the SDK hands to B's port. The sample host commits a peer's
/// message as a whole, once the SDK has applied all of it, so a post is not visible when the port returns: posts reported
/// while B handles a request (<see cref="ArrivalProbeStartupFilter"/>, around the whole pipeline) are stamped when that
/// request is done, after the commit. A post stored outside a request is stamped at once.
/// </remarks>
internal sealed class ArrivalProbe
{
    private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);
    private readonly AsyncLocal<List<string>?> _request = new();
    private readonly object _gate = new();
    private long _stored;
    private long _target = long.MaxValue;
    private TaskCompletionSource<long> _reached = NewSignal();

    /// <summary>Gets or sets a value indicating whether each post's arrival time is kept (live scenario: it costs memory).</summary>
    public bool KeepArrivalTimes { get; set; }

    /// <summary>Gets the arrival times kept, by post id.</summary>
    public IReadOnlyDictionary<string, long> Arrivals => _arrivals;

    /// <summary>Gets how many posts were stored since the last <see cref="Expect"/>.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Counts from zero again; the task completes with the timestamp at which the <paramref name="count"/>th post was stored.</summary>
    public Task<long> Expect(long count)
    {
        lock (_gate)
        {
            _reached = NewSignal();
            Interlocked.Exchange(ref _stored, 0);
            Volatile.Write(ref _target, count);
            return _reached.Task;
        }
    }

    public void ClearArrivals() => _arrivals.Clear();

    /// <summary>B's port stored a peer's post (committed now, or with the request it belongs to).</summary>
    public void OnPostStored(string postId)
    {
        if (_request.Value is { } pending)
        {
            pending.Add(postId);
        }
        else
        {
            Stamp([postId]);
        }
    }

    /// <summary>B starts handling a request: posts stored meanwhile count when it is done.</summary>
    public List<string> BeginRequest() => _request.Value = [];

    /// <summary>B is done with a request (its transaction committed, its answer written).</summary>
    public void EndRequest(List<string> pending)
    {
        if (pending.Count > 0)
        {
            Stamp(pending);
        }
    }

    private void Stamp(List<string> postIds)
    {
        long now = Stopwatch.GetTimestamp();
        foreach (string postId in postIds)
        {
            if (KeepArrivalTimes)
            {
                _arrivals.TryAdd(postId, now);
            }

            if (Interlocked.Increment(ref _stored) == Volatile.Read(ref _target))
            {
                _reached.TrySetResult(now);
            }
        }
    }

    private static TaskCompletionSource<long> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
