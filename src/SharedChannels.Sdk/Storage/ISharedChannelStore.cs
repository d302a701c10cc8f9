
namespace SharedChannels.Storage;

/// <summary>Storage port for shared channels and the connections each one is shared with. Safe for concurrent use.</summary>
public interface ISharedChannelStore
{
    /// <summary>Gets a shared channel, or <see langword="null"/> when the channel is not shared.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The shared channel.</returns>
    Task<SharedChannel?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default);

    /// <summary>Lists every shared channel.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The shared channels.</returns>
    Task<IReadOnlyList<SharedChannel>> ListChannelsAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a shared channel (matched by <see cref="SharedChannel.ChannelId"/>).</summary>
    /// <param name="channel">The shared channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when stored.</returns>
    Task UpsertChannelAsync(SharedChannel channel, CancellationToken cancellationToken = default);

    /// <summary>Removes a shared channel and every remote of it.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Whether it was shared.</returns>
    Task<bool> RemoveChannelAsync(string channelId, CancellationToken cancellationToken = default);

    /// <summary>Gets one remote of a channel, or <see langword="null"/>.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The remote.</returns>
    Task<SharedChannelRemote?> GetRemoteAsync(string channelId, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Lists the remotes of a channel.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The remotes.</returns>
    Task<IReadOnlyList<SharedChannelRemote>> ListRemotesAsync(string channelId, CancellationToken cancellationToken = default);

    /// <summary>Lists the channels shared with a connection (as remotes of channels homed here).</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The remotes.</returns>
    Task<IReadOnlyList<SharedChannelRemote>> ListRemotesByConnectionAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a remote (matched by channel and connection).</summary>
    /// <param name="remote">The remote.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when stored.</returns>
    Task UpsertRemoteAsync(SharedChannelRemote remote, CancellationToken cancellationToken = default);

    /// <summary>Removes a remote of a channel.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> RemoveRemoteAsync(string channelId, string connectionId, CancellationToken cancellationToken = default);
}
