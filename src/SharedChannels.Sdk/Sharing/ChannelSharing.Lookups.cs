using SharedChannels.Storage;

namespace SharedChannels.Sharing;

/// <content>The lookups every operation starts with, each failing with the error a caller can act on.</content>
public partial class ChannelSharing
{
    private async Task<SharedChannelsException> NotHomeAsync(SharedChannel channel, CancellationToken cancellationToken)
    {
        ConnectionRecord? home = await _connections.GetAsync(channel.HomeConnectionId!, cancellationToken).ConfigureAwait(false);
        return new SharedChannelsException(
            SharedChannelsErrorCode.InvalidState,
            $"This channel is shared from {home?.DisplayName ?? "another workspace"}; only its home workspace can share it or change how it is shared.");
    }

    private async Task<SharedChannel> RequireSharedAsync(string channelId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        return await _channels.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false)
            ?? throw new SharedChannelsException(SharedChannelsErrorCode.NotFound, $"Channel '{channelId}' is not shared.");
    }

    private async Task<SharedChannelRemote> RequireRemoteAsync(string channelId, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId);
        SharedChannel channel = await RequireSharedAsync(channelId, cancellationToken).ConfigureAwait(false);
        if (!channel.IsHome)
        {
            throw await NotHomeAsync(channel, cancellationToken).ConfigureAwait(false);
        }

        return await _channels.GetRemoteAsync(channel.ChannelId, connectionId.Trim(), cancellationToken).ConfigureAwait(false)
            ?? throw new SharedChannelsException(SharedChannelsErrorCode.NotFound, $"Channel '{channelId}' is not shared with connection '{connectionId.Trim()}'.");
    }

    private async Task<ConnectionRecord> RequireConfirmedConnectionAsync(string connectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId);
        ConnectionRecord connection = await _connections.GetAsync(connectionId.Trim(), cancellationToken).ConfigureAwait(false)
            ?? throw new SharedChannelsException(SharedChannelsErrorCode.NotFound, $"There is no secure connection with id '{connectionId.Trim()}'. Run /secure-connection status to list them.");
        if (connection.DeletedAt is not null)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, $"Secure connection {connection.RemoteId} is deleted.");
        }

        if (!connection.InvitationAccepted)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, $"Secure connection {connection.RemoteId} is still pending: its invitation has not been accepted yet.");
        }

        return connection;
    }
}
