using System.Globalization;

namespace SharedChannels.Scenarios;

/// <summary>
/// Samples the process's working set (and the managed heap) on its own thread, so a busy thread pool cannot delay a
/// sample. On Linux it also resets the kernel's resident-set high-water mark when it starts (<c>/proc/self/clear_refs</c>)
/// and reads it when it stops (<c>VmHWM</c>), which catches peaks between samples. Sampling is sparse on purpose: on two
/// cores, a sampler reading <c>/proc</c> every few milliseconds took a tenth of a core from what it measured.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private long _peakWorkingSet;
    private long _peakManagedHeap;
    private long _peakSqlite;
    private int _samples;

    private MemorySampler()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "memory sampler", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Gets the highest working set seen, in bytes (samples and, on Linux, the kernel's high-water mark).</summary>
    public long PeakWorkingSetBytes { get; private set; }

    /// <summary>Gets the highest managed heap size sampled (<see cref="GC.GetTotalMemory(bool)"/>), in bytes.</summary>
    public long PeakManagedHeapBytes => Interlocked.Read(ref _peakManagedHeap);

    /// <summary>Gets the most memory SQLite's own allocator held at a sample (page caches, statements, both hosts), in bytes.</summary>
    public long PeakSqliteBytes => Interlocked.Read(ref _peakSqlite);

    /// <summary>Gets the number of samples taken.</summary>
    public int Samples => _samples;

    public static MemorySampler Start()
    {
        ResetHighWaterMark();
        var sampler = new MemorySampler();
        sampler._thread.Start();
        return sampler;
    }

    /// <summary>Stops sampling and settles <see cref="PeakWorkingSetBytes"/>.</summary>
    public void Stop()
    {
        if (_stop.IsSet)
        {
            return;
        }

        _stop.Set();
        _thread.Join();
        PeakWorkingSetBytes = Math.Max(Interlocked.Read(ref _peakWorkingSet), ReadHighWaterMark() ?? 0);
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Run()
    {
        do
        {
            Max(ref _peakWorkingSet, Environment.WorkingSet);
            Max(ref _peakManagedHeap, GC.GetTotalMemory(forceFullCollection: false));
            Max(ref _peakSqlite, SQLitePCL.raw.sqlite3_memory_used());
            _samples++;
        }
        while (!_stop.Wait(Interval));
    }

    private static void Max(ref long peak, long value)
    {
        long seen = Interlocked.Read(ref peak);
        while (value > seen)
        {
            long previous = Interlocked.CompareExchange(ref peak, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    // Writing 5 to clear_refs resets VmHWM to the current resident set (Linux 4.0+). Elsewhere the samples suffice.
    private static void ResetHighWaterMark()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Not Linux, or not allowed: rely on sampling.
        }
    }

    private static long? ReadHighWaterMark()
    {
        try
        {
            // "VmHWM:    123456 kB"
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            string[]? parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is [_, string kilobytes, "kB"] ? long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024 : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }
}
