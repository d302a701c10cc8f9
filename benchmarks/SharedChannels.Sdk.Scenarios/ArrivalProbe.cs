using System.Collections.Concurrent;
using System.Diagnostics;

namespace SharedChannels.Scenarios;

/// <summary>
/// B's side of the measurements: counts the peer's posts B has stored and, in the live scenario, keeps when each one
/// became visible there (<see cref="Stopwatch.GetTimestamp"/>). Nothing polls.
/// </summary>
/// <remarks>
/// <see cref="ProbedInboundTransactions"/> collects the posts the SDK hands to the port of a peer message's transaction;
/// they become visible on B when the SDK commits that transaction, so they are stamped then (<see cref="OnCommitted"/>).
/// </remarks>
internal sealed class ArrivalProbe
{
    private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);
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

    /// <summary>B committed a peer message's transaction, which stored these posts: they are visible from now on.</summary>
    public void OnCommitted(List<string> postIds)
    {
        if (postIds.Count > 0)
        {
            Stamp(postIds);
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
