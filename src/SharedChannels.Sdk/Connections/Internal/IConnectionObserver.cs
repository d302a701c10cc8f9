using SharedChannels.Storage;

namespace SharedChannels.Connections.Internal;

/// <summary>
/// Internal hook for the parts of the SDK that react to connection life-cycle events (sharing removes a deleted
/// connection from its channels; sync catches up after an interruption).
/// </summary>
internal interface IConnectionObserver
{
    /// <summary>The connection was deleted, here or by the peer.</summary>
    Task OnConnectionDeletedAsync(ConnectionRecord connection, CancellationToken cancellationToken);

    /// <summary>
    /// A ping succeeded after the connection was offline or a send to it had failed since the last good ping:
    /// whatever was missed must be caught up.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="wasOffline">Whether the connection had been offline (longer than <see cref="SharedChannelsOptions.OfflineAfter"/>).</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    Task OnConnectionRecoveredAsync(ConnectionRecord connection, bool wasOffline, CancellationToken cancellationToken);

    /// <summary>
    /// The connection was just confirmed, on either side: the peer can now be sent anything. Runs after the
    /// confirmation's answer was written, on the side that answered it.
    /// </summary>
    Task OnConnectionOpenedAsync(ConnectionRecord connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The connection went offline (no good ping within <see cref="SharedChannelsOptions.OfflineAfter"/>).</summary>
    Task OnConnectionOfflineAsync(ConnectionRecord connection, CancellationToken cancellationToken);
}
