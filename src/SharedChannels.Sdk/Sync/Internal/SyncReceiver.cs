using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Receives a sync message from a peer and applies it: users → posts → reactions → acknowledgements → statuses →
/// memberships (one applier per kind). This workspace decides what it accepts: a peer may only write content of users
/// it owns, only in channels shared with it, and nothing in a channel it may only read. Each refused item is reported
/// back with its reason and changes nothing; applying the same message twice gives the same state.
/// </summary>
/// <remarks>
/// A message's writes are one unit of work (<see cref="InboundUnitOfWork"/>: the host's transaction when it has one,
/// possibly shared with other messages of the connection, see <see cref="InboundGroupCommit"/>), committed before the
/// peer is answered. Then, at the channel's home only, the workers of the channel's other
/// connections are woken to relay what it applied; a peer's items are never sent back to it.
/// </remarks>
internal sealed class SyncReceiver(
    ISharedChannelStore channels,
    InboundGroupCommit commits,
    SharedChannelSync sync,
    IOptionsMonitor<SharedChannelsOptions> options,
    ILogger<SyncReceiver> logger) : IFrameHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [Wire.Topics.SharedChannelSync, Wire.Topics.GlobalUserSync];

    public async Task<JsonElement> HandleAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        FeatureGuard.EnsureSharedChannels(options.CurrentValue);
        SyncMsgDto message = WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.SyncMsgDto)
            ?? throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "The sync message is not valid: it must be an object with a channel_id (empty only in a global user sync).");

        // As in Mattermost's processSyncMessage, an empty channel_id makes a global user sync, whatever the topic.
        if (string.IsNullOrEmpty(message.ChannelId))
        {
            return frame.Topic == Wire.Topics.GlobalUserSync || message.Users is { Count: > 0 }
                ? await ReceiveGlobalUsersAsync(frame, message, cancellationToken).ConfigureAwait(false)
                : throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "The sync message is not valid: it has no channel_id.");
        }

        string connectionId = frame.Connection.RemoteId;
        string channelId = message.ChannelId!;

        SharedChannel? channel = await channels.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false);
        SharedChannelRemote? remote = channel is { IsHome: true } ? await channels.GetRemoteAsync(channelId, connectionId, cancellationToken).ConfigureAwait(false) : null;
        if (channel is null || (channel.IsHome ? remote is null : channel.HomeConnectionId != connectionId))
        {
            // Mattermost peers recognize this text and drop the channel.
            throw new SharedChannelsException(SharedChannelsErrorCode.Forbidden, SharingMessages.ChannelNoLongerSharedError);
        }

        // Applied again in a new transaction when another message of the same transaction failed (see InboundGroupCommit).
        InboundApplyContext context = null!;
        async Task ApplyAsync(InboundUnitOfWork work, CancellationToken token)
        {
            // The relay rule: only the home sends a peer's items on (to the channel's other connections).
            work.Context.SetRecordsChanges(channelId, channel.IsHome);
            context = new InboundApplyContext(frame.Connection, channelId, readOnlyForSender: remote?.ReadOnly == true, message.MentionTransforms, work, options.CurrentValue, logger);
            await InboundUserApplier.ApplyAsync(context, message.Users, token).ConfigureAwait(false);
            await InboundPostApplier.ApplyAsync(context, message.Posts, token).ConfigureAwait(false);
            await InboundReactionApplier.ApplyAsync(context, message.Reactions, token).ConfigureAwait(false);
            await InboundAcknowledgementApplier.ApplyAsync(context, message.Acknowledgements, token).ConfigureAwait(false);
            await InboundStatusApplier.ApplyAsync(context, message.Statuses, token).ConfigureAwait(false);
            await InboundMembershipApplier.ApplyAsync(context, message.MembershipChanges, token).ConfigureAwait(false);
        }

        await commits.ApplyAsync(connectionId, ApplyAsync, grouped: true, cancellationToken).ConfigureAwait(false);

        Log.BatchApplied(logger, channelId, connectionId, message.Posts?.Count ?? 0, message.Reactions?.Count ?? 0, context.Response.UsersSyncd.Count, context.Response.ItemErrors?.Count ?? 0);
        if (context.Changed && channel.IsHome)
        {
            // Relay, now that the writes are committed and a worker reading them sees them. Never back to the sender
            // (it would read the page only to drop every item as its own echo).
            sync.NotifyChannelChanged(channelId, exceptConnectionId: connectionId);
        }

        return JsonSerializer.SerializeToElement(context.Response, WireJsonContext.Default.SyncResponseDto);
    }

    /// <summary>
    /// A global user sync (Mattermost's <c>syncAllUsers</c>): the peer's users, outside any channel. They are checked
    /// and named as the users of a channel sync are; a message that carries anything else is refused whole.
    /// </summary>
    private async Task<JsonElement> ReceiveGlobalUsersAsync(InboundFrame frame, SyncMsgDto message, CancellationToken cancellationToken)
    {
        if (message.Posts is { Count: > 0 } || message.Reactions is { Count: > 0 } || message.Statuses is { Count: > 0 } ||
            message.Acknowledgements is { Count: > 0 } || message.MembershipChanges is { Count: > 0 })
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "A global user sync message carries only users: it must not contain posts, reactions, acknowledgements, statuses or memberships.");
        }

        InboundApplyContext context = null!;
        async Task ApplyAsync(InboundUnitOfWork work, CancellationToken token)
        {
            context = new InboundApplyContext(frame.Connection, string.Empty, readOnlyForSender: false, mentionTransforms: null, work, options.CurrentValue, logger);
            await InboundUserApplier.ApplyAsync(context, message.Users, token).ConfigureAwait(false);
        }

        await commits.ApplyAsync(frame.Connection.RemoteId, ApplyAsync, grouped: false, cancellationToken).ConfigureAwait(false);

        Log.BatchApplied(logger, "(global user sync)", frame.Connection.RemoteId, 0, 0, context.Response.UsersSyncd.Count, context.Response.ItemErrors?.Count ?? 0);
        return JsonSerializer.SerializeToElement(context.Response, WireJsonContext.Default.SyncResponseDto);
    }
}
