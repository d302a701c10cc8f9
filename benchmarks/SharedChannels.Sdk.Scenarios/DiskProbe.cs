using System.Diagnostics;

namespace SharedChannels.Scenarios;

/// <summary>
/// How long the disk under the temporary folder takes to make a small write durable (write 4 KB, fsync), measured
/// around the live scenario: each post there waits for two such syncs (A's commit, then B's), so this is the context for
/// its tail. On a shared machine it varies with the neighbours' writes.
/// </summary>
internal static class DiskProbe
{
    private const int Samples = 100;

    /// <summary>Returns the median and 99th percentile of <see cref="Samples"/> write-and-fsync round trips, in milliseconds.</summary>
    public static (double P50, double P99) MeasureFsync(string directory)
    {
        string path = Path.Combine(directory, "fsync-probe.bin");
        byte[] block = new byte[4096];
        var times = new double[Samples];
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            for (int i = 0; i < Samples; i++)
            {
                long started = Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        File.Delete(path);
        Array.Sort(times);
        return (times[(Samples / 2) - 1], times[(int)Math.Ceiling(0.99 * Samples) - 1]);
    }
}
