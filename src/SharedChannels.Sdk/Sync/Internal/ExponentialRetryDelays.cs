namespace SharedChannels.Sync.Internal;

/// <summary>
/// The default <see cref="IRetryDelays"/>: exponential from <see cref="BaseDelay"/>, doubling with each failure, capped
/// at <see cref="MaxDelay"/>, with "equal jitter" (at least half the delay, so retries spread out without collapsing
/// to zero).
/// </summary>
internal sealed class ExponentialRetryDelays : IRetryDelays
{
    /// <summary>The delay before the first retry, before jitter.</summary>
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    private readonly Func<double> _random;

    /// <summary>Initializes a new instance of the <see cref="ExponentialRetryDelays"/> class with jitter from <see cref="Random.Shared"/>.</summary>
    public ExponentialRetryDelays()
        : this(static () => Random.Shared.NextDouble())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExponentialRetryDelays"/> class.</summary>
    /// <param name="random">Returns a number in [0, 1) for the jitter.</param>
    public ExponentialRetryDelays(Func<double> random) => _random = random;

    /// <inheritdoc/>
    public TimeSpan GetDelay(int attempt)
    {
        double capped = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 20)));
        return TimeSpan.FromMilliseconds((capped / 2) + (Math.Clamp(_random(), 0, 1) * capped / 2));
    }
}
