namespace SharedChannels.Testing.Chaos;

/// <summary>
/// What a <see cref="FaultInjectingTransport"/> does to the requests it carries. Each request suffers at most one
/// fault, drawn from the seeded random generator against these probabilities (their sum must not exceed 1).
/// </summary>
/// <remarks>All probabilities are 0 by default: a transport with default options only adds partitions on demand.</remarks>
public sealed class FaultOptions
{
    /// <summary>
    /// Gets or sets the seed of the random generator that chooses faults, or <see langword="null"/> to pick one (read
    /// it back from <see cref="FaultInjectingTransport.Seed"/> to replay a run).
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the probability that a request is lost before the peer sees it (the sender sees a transport failure).</summary>
    public double DropBeforeSendProbability { get; set; }

    /// <summary>
    /// Gets or sets the probability that a request is delivered and handled by the peer, but its answer is lost: the
    /// sender sees a transport failure although the peer applied the request.
    /// </summary>
    public double DropAfterDeliveryProbability { get; set; }

    /// <summary>Gets or sets the probability that a request is delivered twice (the sender gets the first answer).</summary>
    public double DuplicateProbability { get; set; }

    /// <summary>Gets or sets the probability that a request is delayed by up to <see cref="MaxDelay"/> before delivery.</summary>
    public double DelayProbability { get; set; }

    /// <summary>
    /// Gets or sets the probability that a request is held back and delivered after the next request to the same site
    /// (or after <see cref="MaxReorderHold"/> when none comes). A held request is delivered even if its sender gives up
    /// waiting, as a request already on the wire would be.
    /// </summary>
    public double ReorderProbability { get; set; }

    /// <summary>Gets or sets the probability that the peer is not reached and the sender gets a 5xx answer instead.</summary>
    public double ServerErrorProbability { get; set; }

    /// <summary>Gets or sets the longest delay of a delayed request. Defaults to 5 ms.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Gets or sets how long a held request waits for a next request before it is delivered anyway. Defaults to 50 ms.</summary>
    public TimeSpan MaxReorderHold { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Gets or sets the clock of delays and holds. Defaults to <see cref="TimeProvider.System"/>, so faults stay short
    /// real pauses even when the SDK under test runs on a fake clock.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the sum of all fault probabilities: the probability that a request suffers some fault.</summary>
    public double TotalProbability =>
        DropBeforeSendProbability + DropAfterDeliveryProbability + DuplicateProbability + DelayProbability + ReorderProbability + ServerErrorProbability;

    /// <summary>Checks the options; throws when one is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A probability is outside [0, 1], their sum exceeds 1, or a duration is negative.</exception>
    /// <exception cref="ArgumentNullException"><see cref="TimeProvider"/> is <see langword="null"/>.</exception>
    public void Validate()
    {
        Check(DropBeforeSendProbability, nameof(DropBeforeSendProbability));
        Check(DropAfterDeliveryProbability, nameof(DropAfterDeliveryProbability));
        Check(DuplicateProbability, nameof(DuplicateProbability));
        Check(DelayProbability, nameof(DelayProbability));
        Check(ReorderProbability, nameof(ReorderProbability));
        Check(ServerErrorProbability, nameof(ServerErrorProbability));
        if (TotalProbability > 1.0 + 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(TotalProbability), TotalProbability, "The fault probabilities add up to more than 1: each request suffers at most one fault, so lower some of them.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReorderHold, TimeSpan.Zero, nameof(MaxReorderHold));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));

        static void Check(double value, string name)
        {
            if (double.IsNaN(value) || value < 0 || value > 1)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be a probability between 0 and 1.");
            }
        }
    }
}
