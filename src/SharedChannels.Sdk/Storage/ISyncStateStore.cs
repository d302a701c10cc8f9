namespace SharedChannels.Storage;

/// <summary>
/// Storage port for outbound sync progress: one cursor per channel and connection. A cursor only moves forward
/// when the peer has acknowledged everything before it, so a restart resumes without loss.
/// </summary>
public interface ISyncStateStore
{
    /// <summary>Gets the cursor of a channel for a connection, or <see langword="null"/> when nothing was sent yet.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The cursor.</returns>
    Task<SyncCursor?> GetCursorAsync(string channelId, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Stores the cursor of a channel for a connection.</summary>
    /// <param name="cursor">The cursor.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when stored.</returns>
    Task SetCursorAsync(SyncCursor cursor, CancellationToken cancellationToken = default);

    /// <summary>Removes every cursor of a channel for a connection (the channel is no longer shared with it).</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when removed.</returns>
    Task RemoveCursorAsync(string channelId, string connectionId, CancellationToken cancellationToken = default);
}
