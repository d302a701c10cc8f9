using System.Diagnostics;
using System.Runtime;

namespace SharedChannels.Scenarios;

/// <summary>
/// Backlog catch-up: the link from A to B is cut, A writes the backlog (its sends fail and back off, as with a peer that
/// is down), the link comes back and A pings B, as its connection monitor would at its next round. The clock runs from
/// then until B has committed the last post of the backlog.
/// </summary>
internal static class CatchUpScenario
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <param name="snapshotPath">Where to copy B's chat database before the link comes back (for the durable floor), or <see langword="null"/>.</param>
    public static async Task<CatchUpResult> RunAsync(TwoHosts hosts, int messages, string capturePath, string? snapshotPath, bool quiet, CancellationToken cancellationToken)
    {
        await hosts.WhenIdleAsync(cancellationToken);
        long existingOnA = await BacklogWriter.CountPostsAsync(hosts.DatabaseA, hosts.ChannelId, cancellationToken);
        hosts.CutLink();

        long writing = Stopwatch.GetTimestamp();
        await BacklogWriter.WriteAsync(hosts.DatabaseA, hosts.SyncA, hosts.ChannelId, hosts.AuthorIds, messages, cancellationToken);
        TimeSpan writeTime = Stopwatch.GetElapsedTime(writing);
        if (!quiet)
        {
            Console.WriteLine($"  backlog of {messages:N0} posts written on A in {writeTime.TotalSeconds:0.0} s while the link to B was down");
        }

        // A's worker has tried to send, failed and is waiting to retry, as it would be with B down.
        await hosts.SyncA.WhenIdleAsync(cancellationToken);
        if (snapshotPath is not null)
        {
            await DurableFloorScenario.SnapshotAsync(hosts.DatabaseB, snapshotPath, cancellationToken);
        }

        // Start from a collected heap, so the peak reflects the catch-up and not the garbage of the set-up.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Task<long> lastStored = hosts.Probe.Expect(messages);
        hosts.Receiver.Reset();
        hosts.Transport.StartCapture(capturePath);
        using MemorySampler memory = MemorySampler.Start();

        TimeSpan cpuBefore = CpuTime();
        TimeSpan jitBefore = JitInfo.GetCompilationTime();
        long jitMethodsBefore = JitInfo.GetCompiledMethodCount();
        long started = Stopwatch.GetTimestamp();
        hosts.RestoreLink();
        await hosts.PingFromAAsync(cancellationToken);
        using (quiet ? null : Progress.Report("  caught up", () => hosts.Probe.Stored, messages))
        {
            long finished = await lastStored.WaitAsync(Timeout, cancellationToken);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started, finished);
            TimeSpan cpu = CpuTime() - cpuBefore;
            TimeSpan jit = JitInfo.GetCompilationTime() - jitBefore;
            long jitMethods = JitInfo.GetCompiledMethodCount() - jitMethodsBefore;
            ReceiverTimes receiver = hosts.Receiver.Snapshot();
            memory.Stop();
            hosts.Transport.StopCapture();
            long retained = GC.GetTotalMemory(forceFullCollection: true);

            // Check the outcome outside the measured time: every post once, nothing else.
            await hosts.WhenIdleAsync(cancellationToken);
            long onA = await BacklogWriter.CountPostsAsync(hosts.DatabaseA, hosts.ChannelId, cancellationToken);
            long onB = await BacklogWriter.CountPostsAsync(hosts.DatabaseB, hosts.ChannelId, cancellationToken);
            if (onA != existingOnA + messages || onB != onA)
            {
                throw new InvalidOperationException($"After the catch-up A has {onA} posts and B {onB}; both should have {existingOnA + messages}.");
            }

            return new CatchUpResult(messages, elapsed, memory.PeakWorkingSetBytes, memory.PeakManagedHeapBytes, memory.PeakSqliteBytes, retained, hosts.Transport.Captured, hosts.Transport.CapturedBytes, cpu, jit, jitMethods, writeTime, receiver);
        }
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
