namespace SharedChannels.Storage;

/// <summary>
/// Storage port for secure connections. Implementations must be safe for concurrent use and durable where the
/// host needs connections to survive a restart (the in-memory store is not; the SQLite store is).
/// </summary>
public interface IConnectionStore
{
    /// <summary>Adds a connection. Returns <see langword="false"/> and changes nothing when the id, or the name of a connection that is not deleted, is taken.</summary>
    /// <param name="connection">The connection to add.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Whether the connection was added.</returns>
    Task<bool> TryAddAsync(ConnectionRecord connection, CancellationToken cancellationToken = default);

    /// <summary>Gets a connection by id, deleted ones included.</summary>
    /// <param name="remoteId">The connection id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The connection, or <see langword="null"/> when there is none.</returns>
    Task<ConnectionRecord?> GetAsync(string remoteId, CancellationToken cancellationToken = default);

    /// <summary>Lists every connection, deleted ones included, ordered by creation time.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The connections.</returns>
    Task<IReadOnlyList<ConnectionRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces a stored connection (matched by <see cref="ConnectionRecord.RemoteId"/>).</summary>
    /// <param name="connection">The new state.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when no connection has that id.</returns>
    Task<bool> UpdateAsync(ConnectionRecord connection, CancellationToken cancellationToken = default);

    /// <summary>Records a successful outbound ping without touching anything else.</summary>
    /// <param name="remoteId">The connection id.</param>
    /// <param name="pingedAt">When the ping succeeded (UTC).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the time is stored.</returns>
    Task SetLastPingAsync(string remoteId, DateTimeOffset pingedAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection row entirely (used to undo a failed accept; normal deletion is soft).</summary>
    /// <param name="remoteId">The connection id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Whether a row was removed.</returns>
    Task<bool> RemoveAsync(string remoteId, CancellationToken cancellationToken = default);
}
