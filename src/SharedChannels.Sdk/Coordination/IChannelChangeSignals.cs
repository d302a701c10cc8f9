namespace SharedChannels.Coordination;

/// <summary>
/// Carries <see cref="Sync.SharedChannelSync.NotifyChannelChanged(string)"/> from the node where a change happened to the
/// nodes that own the affected connections, so live latency does not depend on polling. A storage package for several
/// nodes implements it (e.g. with PostgreSQL's <c>LISTEN</c>/<c>NOTIFY</c>); without one, changes stay in the process.
/// </summary>
/// <remarks>
/// Delivery may be lost (a listener that was disconnected): <see cref="IChannelChangeListener.OnSignalsMissed"/> makes up
/// for it, since the workers send from stored cursors whatever is pending. Implementations must be safe for concurrent use.
/// </remarks>
public interface IChannelChangeSignals
{
    /// <summary>Tells every node (this one included) that a channel changed.</summary>
    /// <param name="signal">The change.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the signal is on its way.</returns>
    Task PublishAsync(ChannelChangeSignal signal, CancellationToken cancellationToken = default);

    /// <summary>
    /// Listens for signals until <paramref name="cancellationToken"/> is cancelled, reconnecting after failures, and
    /// calls <see cref="IChannelChangeListener.OnSignalsMissed"/> each time listening (re)starts.
    /// </summary>
    /// <param name="listener">Receives the signals.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A task that completes when listening has stopped.</returns>
    Task ListenAsync(IChannelChangeListener listener, CancellationToken cancellationToken = default);
}
