namespace SharedChannels.Scenarios;

/// <summary>What the live propagation measured: per post, from the client sending it to A until B committed it.</summary>
/// <param name="Posts">The posts sent.</param>
/// <param name="TargetRate">The rate asked for, per second.</param>
/// <param name="AchievedRate">The rate at which posts were actually sent.</param>
/// <param name="LatenciesMs">Each post's latency, sorted, in milliseconds.</param>
/// <param name="ApiP50Ms">The median time A's chat API took to answer the post (part of the latency).</param>
internal sealed record LiveResult(int Posts, int TargetRate, double AchievedRate, double[] LatenciesMs, double ApiP50Ms)
{
    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double P99 => Percentile(0.99);

    public double Max => LatenciesMs[^1];

    /// <summary>Nearest rank: the smallest latency that at least <paramref name="fraction"/> of the posts did not exceed.</summary>
    public double Percentile(double fraction) => LatenciesMs[Math.Max(0, (int)Math.Ceiling(fraction * LatenciesMs.Length) - 1)];
}
