namespace SharedChannels.Sync.Internal;

/// <summary>
/// How long a worker waits before retrying a connection after a failure. Internal so tests replace it (registered
/// with <c>TryAddSingleton</c>) and see the same delays on every run.
/// </summary>
internal interface IRetryDelays
{
    /// <summary>Gets the delay before retry number <paramref name="attempt"/> (1 for the first retry after a failure).</summary>
    /// <param name="attempt">The number of consecutive failures so far, at least 1.</param>
    /// <returns>The delay to wait.</returns>
    TimeSpan GetDelay(int attempt);
}
