using System.Diagnostics;

namespace SharedChannels.Scenarios;

/// <summary>
/// Where B's receiver spends its time: for each inbound transaction, from its begin to the start of its commit (the
/// SDK's checks and the port calls, i.e. lookups and inserts) and the commit itself. Transactions of one connection
/// run one after another, so their sum against the catch-up's time says whether B's lane was the bottleneck.
/// </summary>
internal sealed class ReceiverTimeline
{
    private long _transactions;
    private long _applyTicks;
    private long _commitTicks;

    public void Reset()
    {
        Interlocked.Exchange(ref _transactions, 0);
        Interlocked.Exchange(ref _applyTicks, 0);
        Interlocked.Exchange(ref _commitTicks, 0);
    }

    public void OnCommitted(long begun, long commitStarted, long committed)
    {
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _applyTicks, commitStarted - begun);
        Interlocked.Add(ref _commitTicks, committed - commitStarted);
    }

    public ReceiverTimes Snapshot() => new(
        Interlocked.Read(ref _transactions),
        TimeSpan.FromSeconds(Interlocked.Read(ref _applyTicks) / (double)Stopwatch.Frequency),
        TimeSpan.FromSeconds(Interlocked.Read(ref _commitTicks) / (double)Stopwatch.Frequency));
}

/// <summary>B's inbound transactions over a scenario.</summary>
/// <param name="Transactions">How many committed.</param>
/// <param name="Apply">Their total time from begin to the start of the commit.</param>
/// <param name="Commit">Their total commit time.</param>
internal sealed record ReceiverTimes(long Transactions, TimeSpan Apply, TimeSpan Commit)
{
    public TimeSpan Busy => Apply + Commit;

    public double ApplyMsPerTransaction => Transactions == 0 ? 0 : Apply.TotalMilliseconds / Transactions;

    public double CommitMsPerTransaction => Transactions == 0 ? 0 : Commit.TotalMilliseconds / Transactions;
}
