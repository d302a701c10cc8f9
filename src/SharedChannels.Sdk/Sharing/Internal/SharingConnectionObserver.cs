using SharedChannels.Connections.Internal;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Storage;
using SharedChannels.Sync;

namespace SharedChannels.Sharing.Internal;

/// <summary>
/// Reacts to connection life-cycle events for sharing and sync: a deleted connection leaves every shared
/// channel; an interruption is announced in the affected channels; a recovery re-sends pending channel
/// invitations and catches up everything missed.
/// </summary>
internal sealed class SharingConnectionObserver(
    ISharedChannelStore channels,
    ISyncStateStore syncState,
    ISystemMessages systemMessages,
    ChannelSharing sharing,
    SharedChannelSync sync) : IConnectionObserver
{
    public async Task OnConnectionDeletedAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        await sync.StopWorkerAsync(connection.RemoteId).ConfigureAwait(false);
        foreach (SharedChannelRemote remote in await channels.ListRemotesByConnectionAsync(connection.RemoteId, cancellationToken).ConfigureAwait(false))
        {
            await sharing.RemoveRemoteAsync(remote, tellPeer: false, cancellationToken).ConfigureAwait(false);
            if ((await channels.ListRemotesAsync(remote.ChannelId, cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                await channels.RemoveChannelAsync(remote.ChannelId, cancellationToken).ConfigureAwait(false);
                await systemMessages.PostAsync(remote.ChannelId, SharingMessages.NoLongerShared, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (SharedChannel channel in await channels.ListChannelsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (channel.HomeConnectionId == connection.RemoteId)
            {
                await channels.RemoveChannelAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false);
                await syncState.RemoveCursorAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false);
                await systemMessages.PostAsync(channel.ChannelId, SharingMessages.NoLongerShared, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task OnConnectionOfflineAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        foreach (string channelId in await sync.ChannelsSharedWithAsync(connection.RemoteId, cancellationToken).ConfigureAwait(false))
        {
            await systemMessages.PostAsync(channelId, SharingMessages.Interrupted(connection.DisplayName), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task OnConnectionRecoveredAsync(ConnectionRecord connection, bool wasOffline, CancellationToken cancellationToken)
    {
        if (wasOffline)
        {
            foreach (string channelId in await sync.ChannelsSharedWithAsync(connection.RemoteId, cancellationToken).ConfigureAwait(false))
            {
                await systemMessages.PostAsync(channelId, SharingMessages.Restored(connection.DisplayName), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (SharedChannelRemote remote in await channels.ListRemotesByConnectionAsync(connection.RemoteId, cancellationToken).ConfigureAwait(false))
        {
            if (!remote.InvitationAccepted && await channels.GetChannelAsync(remote.ChannelId, cancellationToken).ConfigureAwait(false) is { } channel)
            {
                await sharing.SendInviteAsync(channel, connection, remote, cancellationToken).ConfigureAwait(false);
            }
        }

        await sync.CatchUpAsync(connection.RemoteId, cancellationToken).ConfigureAwait(false);
    }
}
