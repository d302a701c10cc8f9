namespace SharedChannels.Scenarios;

/// <summary>What the backlog catch-up measured.</summary>
/// <param name="Messages">The posts written on A while B was down.</param>
/// <param name="Elapsed">From B back up (and A pinging it) to the last post committed on B.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set meanwhile (both hosts run in this process).</param>
/// <param name="PeakManagedHeapBytes">The peak managed heap sampled meanwhile.</param>
/// <param name="PeakSqliteBytes">The peak of SQLite's own allocations sampled meanwhile (page caches, statements).</param>
/// <param name="RetainedManagedBytes">The managed heap right after the catch-up, after a full collection: what is still referenced.</param>
/// <param name="Batches">The sync requests B accepted.</param>
/// <param name="BatchBytes">Their total size.</param>
/// <param name="CpuTime">The processor time the process used meanwhile (user and system, all threads).</param>
/// <param name="JitTime">The time the JIT spent compiling meanwhile (tiering up, or code not run before).</param>
/// <param name="JitMethods">The methods the JIT compiled meanwhile.</param>
/// <param name="BacklogWriteTime">How long writing the backlog on A took (not part of the figures).</param>
/// <param name="Receiver">B's inbound transactions meanwhile: how many, their apply and commit times.</param>
internal sealed record CatchUpResult(
    int Messages,
    TimeSpan Elapsed,
    long PeakWorkingSetBytes,
    long PeakManagedHeapBytes,
    long PeakSqliteBytes,
    long RetainedManagedBytes,
    int Batches,
    long BatchBytes,
    TimeSpan CpuTime,
    TimeSpan JitTime,
    long JitMethods,
    TimeSpan BacklogWriteTime,
    ReceiverTimes Receiver)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    /// <summary>Gets how many cores were busy on average (2 = both cores of the reference machine).</summary>
    public double CoresBusy => CpuTime / Elapsed;

    /// <summary>Gets the share of the catch-up B's receiver spent inside a transaction (applying or committing).</summary>
    public double ReceiverBusy => Receiver.Busy / Elapsed;
}
