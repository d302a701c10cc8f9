namespace SharedChannels.Scenarios;

/// <summary>What the live propagation measured: per post, from the client sending it to A until B committed it.</summary>
/// <param name="Posts">The posts sent.</param>
/// <param name="TargetRate">The rate asked for, per second.</param>
/// <param name="AchievedRate">The rate at which posts were actually sent.</param>
/// <param name="LatenciesMs">Each post's latency, sorted, in milliseconds.</param>
/// <param name="ApiMs">The time A's chat API took to answer each post (part of its latency), sorted, in milliseconds.</param>
/// <param name="FsyncP50Ms">The median time the disk took to write 4 KB durably, just before (see <see cref="DiskProbe"/>).</param>
/// <param name="FsyncP99Ms">Its 99th percentile.</param>
internal sealed record LiveResult(int Posts, int TargetRate, double AchievedRate, double[] LatenciesMs, double[] ApiMs, double FsyncP50Ms, double FsyncP99Ms)
{
    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double P99 => Percentile(0.99);

    public double Max => LatenciesMs[^1];

    public double ApiP50 => ApiMs[Math.Max(0, (int)Math.Ceiling(0.50 * ApiMs.Length) - 1)];

    public double ApiP99 => ApiMs[Math.Max(0, (int)Math.Ceiling(0.99 * ApiMs.Length) - 1)];

    /// <summary>Nearest rank: the smallest latency that at least <paramref name="fraction"/> of the posts did not exceed.</summary>
    public double Percentile(double fraction) => LatenciesMs[Math.Max(0, (int)Math.Ceiling(fraction * LatenciesMs.Length) - 1)];
}
