using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Sync;
using SharedChannels.Sync.Internal;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sharing.Internal;

/// <summary>Handles channel invitations and "no longer shared" notices from peers.</summary>
internal sealed class SharingFrameHandler(
    ISharedChannelStore channels,
    ISyncStateStore syncState,
    ISystemMessages systemMessages,
    InboundTransactions transactions,
    SharedChannelSync sync,
    IOptionsMonitor<SharedChannelsOptions> options,
    TimeProvider timeProvider,
    ILogger<SharingFrameHandler> logger) : IFrameHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [Wire.Topics.SharedChannelInvite, Wire.Topics.SharedChannelUnshare];

    public Task<JsonElement> HandleAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        FeatureGuard.EnsureSharedChannels(options.CurrentValue);
        return frame.Topic == Wire.Topics.SharedChannelInvite ? ReceiveInviteAsync(frame, cancellationToken) : ReceiveUnshareAsync(frame, cancellationToken);
    }

    private async Task<JsonElement> ReceiveInviteAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        ChannelInviteDto invite = WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.ChannelInviteDto) ?? throw Invalid("the channel invitation is not an object");
        ConnectionRecord connection = frame.Connection;
        if (!RemoteIds.IsValid(invite.ChannelId))
        {
            throw Invalid("the channel invitation has no valid channel_id");
        }

        ChannelType type = SyncMapping.ParseChannelType(invite.Type) ?? throw Invalid("the channel type must be O, P, D or G");
        if (type is ChannelType.Direct or ChannelType.Group && !options.CurrentValue.EnableSharedChannelsDMs)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.FeatureDisabled, "direct and group messages with remote users are disabled on this workspace");
        }

        string channelId = invite.ChannelId!;
        SharedChannel? existing = await channels.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.HomeConnectionId != connection.RemoteId)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.Forbidden, "this channel is already shared here from another home");
        }

        // A channel that exists here may only be (re)claimed by the home that shared it before: its kept cursor
        // proves it. Anyone else could otherwise take over a local channel by guessing its id.
        bool hadCursor = existing is null && await syncState.GetCursorAsync(channelId, connection.RemoteId, cancellationToken).ConfigureAwait(false) is not null;

        // The host's writes (the channel, the administrator joining it) are one unit of work, committed before the
        // SDK records the share and before the peer is answered: a failure leaves nothing half done, and the peer's
        // retry starts afresh.
        var info = new ChannelInfo
        {
            Id = channelId,
            TeamId = connection.DefaultTeamId,
            Name = Limit(invite.Name, 64) is { Length: > 0 } name ? name : channelId,
            DisplayName = Limit(invite.DisplayName, 64),
            Header = Limit(invite.Header, 1024),
            Purpose = Limit(invite.Purpose, 250),
            Type = type,
            CreatorId = invite.CreatorId ?? string.Empty,
        };
        DateTimeOffset now = timeProvider.GetUtcNow();
        string? start = null;
        bool joined = false;
        InboundUnitOfWork work = await transactions.BeginAsync(connection.RemoteId, cancellationToken).ConfigureAwait(false);
        await using (work.ConfigureAwait(false))
        {
            bool reinvited = false;
            if (existing is null && await work.Content.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false) is not null)
            {
                reinvited = hadCursor ? true : throw new SharedChannelsException(SharedChannelsErrorCode.Forbidden, "a channel with this id already exists here and was not shared by the sender");
            }

            // Mattermost records the share only once it has this answer: a sync reaching it earlier is refused as "no
            // longer shared". So nothing goes out in this channel before the answer is written (see docs/mattermost.md).
            sync.HoldUntilAnswered(connection.RemoteId, channelId, frame.Reply);

            await work.Content.CreateChannelAsync(info, connection.DefaultTeamId, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                // Nothing that happened here before the invitation (or while unshared) is sent to the home.
                start = await work.Content.GetLatestCursorAsync(channelId, cancellationToken).ConfigureAwait(false);
                if (!reinvited)
                {
                    // The administrator of the connection joins every channel shared over it (and is synced to the home).
                    await work.Content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = channelId, UserId = connection.CreatorId, IsAdd = true, ChangeTime = now }, cancellationToken).ConfigureAwait(false);
                    joined = true;
                }
            }

            await work.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await channels.UpsertChannelAsync(
            new SharedChannel
            {
                ChannelId = channelId,
                TeamId = connection.DefaultTeamId,
                Name = info.Name,
                DisplayName = info.DisplayName,
                Type = type,
                HomeConnectionId = connection.RemoteId,
                ReadOnly = invite.ReadOnly,
                CreatorId = connection.CreatorId,
                CreatedAt = existing?.CreatedAt ?? now,
            },
            cancellationToken).ConfigureAwait(false);
        if (start is not null)
        {
            await syncState.SetCursorAsync(new SyncCursor(channelId, connection.RemoteId, start, now), cancellationToken).ConfigureAwait(false);
        }

        if (joined)
        {
            // A change made on this workspace's behalf: sent to the home like any other (once the hold is released).
            sync.NotifyChannelChanged(channelId);
        }

        Log.ChannelReceived(logger, channelId, connection.RemoteId, invite.ReadOnly);
        return default;
    }

    private async Task<JsonElement> ReceiveUnshareAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        ChannelUnshareDto notice = WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.ChannelUnshareDto) ?? throw Invalid("the unshare notice is not an object");
        string connectionId = frame.Connection.RemoteId;
        if (string.IsNullOrEmpty(notice.ChannelId) || (!string.IsNullOrEmpty(notice.RemoteId) && notice.RemoteId != connectionId))
        {
            throw Invalid("the unshare notice has no channel_id or names another connection");
        }

        SharedChannel? channel = await channels.GetChannelAsync(notice.ChannelId, cancellationToken).ConfigureAwait(false);
        if (channel?.HomeConnectionId == connectionId)
        {
            // The cursor is kept: it lets the same home share the channel again (see ReceiveInviteAsync).
            await channels.RemoveChannelAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false);
            await systemMessages.PostAsync(channel.ChannelId, SharingMessages.NoLongerShared, cancellationToken).ConfigureAwait(false);
            Log.ChannelUnsharedByPeer(logger, channel.ChannelId, connectionId);
            return default;
        }

        if (channel is { IsHome: true } && await channels.RemoveRemoteAsync(channel.ChannelId, connectionId, cancellationToken).ConfigureAwait(false))
        {
            // A remote that leaves a channel homed here.
            await syncState.RemoveCursorAsync(channel.ChannelId, connectionId, cancellationToken).ConfigureAwait(false);
            Log.ChannelUnsharedByPeer(logger, channel.ChannelId, connectionId);
            return default;
        }

        throw new SharedChannelsException(SharedChannelsErrorCode.NotFound, SharingMessages.ChannelNoLongerSharedError);
    }

    private static string Limit(string? value, int max) =>
        value is null ? string.Empty : value.Length <= max ? value : value[..max];

    private static SharedChannelsException Invalid(string reason) => new(SharedChannelsErrorCode.InvalidArgument, reason);
}
