using SharedChannels.Storage;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>Sends one sync message of a round to a connection (internal seam, replaced in tests of the round).</summary>
internal interface ISyncBatchSender
{
    /// <summary>Sends a message; returns <see langword="false"/> when the peer no longer has the channel.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">A token to stop.</param>
    /// <returns>Whether the peer still has the channel.</returns>
    Task<bool> SendAsync(ConnectionRecord connection, SharedChannel channel, SyncMsgDto message, CancellationToken cancellationToken);
}
