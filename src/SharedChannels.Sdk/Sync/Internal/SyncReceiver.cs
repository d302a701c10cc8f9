using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Internal;
using SharedChannels.Sharing;
using SharedChannels.Sharing.Internal;
using SharedChannels.Storage;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Applies a sync message from a peer: users → posts → reactions → acknowledgements → statuses → memberships.
/// This workspace decides what it accepts: a peer may only write content of users it owns, only in channels
/// shared with it, and nothing in a channel it may only read. Each refused item is reported back with its
/// reason and changes nothing; applying the same message twice gives the same state.
/// </summary>
/// <remarks>
/// One message is applied with one read of the posts it refers to (<see cref="IChannelContent.GetPostsAsync"/>) and
/// one lookup per distinct user: what the message itself changes is tracked, not read back.
/// </remarks>
internal sealed class SyncReceiver(
    ISharedChannelStore channels,
    HostPorts host,
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

        var context = new ApplyContext(frame.Connection, channelId, readOnlyForSender: remote?.ReadOnly == true, message.MentionTransforms);
        await ApplyUsersAsync(context, message.Users, cancellationToken).ConfigureAwait(false);
        await ApplyPostsAsync(context, message.Posts, cancellationToken).ConfigureAwait(false);
        await ApplyReactionsAsync(context, message.Reactions, cancellationToken).ConfigureAwait(false);
        await ApplyAcknowledgementsAsync(context, message.Acknowledgements, cancellationToken).ConfigureAwait(false);
        await ApplyStatusesAsync(context, message.Statuses, cancellationToken).ConfigureAwait(false);
        await ApplyMembershipsAsync(context, message.MembershipChanges, cancellationToken).ConfigureAwait(false);

        Log.BatchApplied(logger, channelId, connectionId, message.Posts?.Count ?? 0, message.Reactions?.Count ?? 0, context.Response.UsersSyncd.Count, context.Response.ItemErrors?.Count ?? 0);
        if (context.Changed && channel.IsHome)
        {
            // Relay: what this peer sent goes on to the other workspaces sharing the channel. Only the home relays,
            // and never back to the sender (it would read the page only to drop every item as its own echo).
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

        var context = new ApplyContext(frame.Connection, string.Empty, readOnlyForSender: false, mentionTransforms: null);
        await ApplyUsersAsync(context, message.Users, cancellationToken).ConfigureAwait(false);
        Log.BatchApplied(logger, "(global user sync)", frame.Connection.RemoteId, 0, 0, context.Response.UsersSyncd.Count, context.Response.ItemErrors?.Count ?? 0);
        return JsonSerializer.SerializeToElement(context.Response, WireJsonContext.Default.SyncResponseDto);
    }

    private async Task ApplyUsersAsync(ApplyContext context, Dictionary<string, UserDto>? users, CancellationToken cancellationToken)
    {
        int limit = options.CurrentValue.EffectiveMaxUsersPerSyncMessage;
        int seen = 0;
        foreach ((string key, UserDto? dto) in users ?? [])
        {
            if (++seen > limit)
            {
                // Each message can create only so many shadow users; the rest are refused, each with the reason.
                context.Refuse(this, "user", key, $"the message carries more than {limit} users, the most this workspace takes in one message");
                continue;
            }

            if (dto is null)
            {
                context.Refuse(this, "user", key, "the user object is null");
                continue;
            }

            string id = dto.Id ?? key;
            if (!RemoteIds.IsValid(id) || id != key || string.IsNullOrWhiteSpace(dto.Username))
            {
                context.Refuse(this, "user", key, "the user object is missing its id or username");
                continue;
            }

            ChatUser? existing = await GetUserAsync(context, id, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.RemoteId != context.Connection.RemoteId)
            {
                context.Refuse(this, "user", id, existing.IsRemote ? "the user belongs to another workspace" : "the user belongs to this workspace");
                continue;
            }

            // Stripped of invisible, bidi and control characters; null when nothing visible is left (named from the id).
            string? remoteUsername = UsernameSanitizer.CleanRemoteUsername(dto.Props?.GetValueOrDefault(SyncMapping.PropRemoteUsername)) ?? UsernameSanitizer.CleanRemoteUsername(dto.Username);
            string username = existing is not null && existing.RemoteUsername == remoteUsername
                ? existing.Username
                : await ChooseUsernameAsync(id, remoteUsername, context.Connection.Name, cancellationToken).ConfigureAwait(false);
            string? origin = dto.Props?.GetValueOrDefault(SyncMapping.PropOriginalRemoteId) is { Length: > 0 } o ? o : context.Connection.RemoteId;
            var user = new ChatUser
            {
                Id = id,
                Username = username,
                FirstName = dto.FirstName ?? string.Empty,
                LastName = dto.LastName ?? string.Empty,
                Nickname = dto.Nickname ?? string.Empty,
                Position = dto.Position ?? string.Empty,
                IsBot = dto.IsBot,
                UpdateAt = SyncMapping.FromMs(Math.Max(dto.UpdateAt, 0)),
                DeleteAt = SyncMapping.FromMsOrNull(Math.Max(dto.DeleteAt, 0)),
                RemoteId = context.Connection.RemoteId,
                RemoteUsername = remoteUsername,
                OriginalRemoteId = origin,
            };

            if (existing != user)
            {
                await host.Users.UpsertRemoteUserAsync(user, cancellationToken).ConfigureAwait(false);
                context.Users[id] = user;
            }

            context.Response.UsersSyncd.Add(id);
            context.Response.UsersLastUpdateAt = Math.Max(context.Response.UsersLastUpdateAt, dto.UpdateAt);
            SharedChannelsMetrics.ItemsApplied.Add(1, new KeyValuePair<string, object?>("kind", "user"));
        }
    }

    private async Task<string> ChooseUsernameAsync(string userId, string? remoteUsername, string connectionName, CancellationToken cancellationToken)
    {
        // The skeleton (a-z0-9._-:), so a look-alike of a local name collides with it exactly.
        string wanted = UsernameSanitizer.ToLocalUsername(remoteUsername, userId);
        foreach (string candidate in UsernameRenamer.Candidates(wanted, connectionName, options.CurrentValue.UsernameCollisionPolicy))
        {
            ChatUser? holder = await host.Users.FindByUsernameAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (holder is null || holder.Id == userId)
            {
                return candidate;
            }
        }

        // Every Mattermost-style candidate is taken: fall back to the id, which is unique.
        return UsernameRenamer.Munge(userId, connectionName, string.Empty, UsernameRenamer.MaxUsernameLength);
    }

    private async Task ApplyPostsAsync(ApplyContext context, List<PostDto>? posts, CancellationToken cancellationToken)
    {
        if (posts is not { Count: > 0 })
        {
            return;
        }

        // The stored versions of the batch's posts and thread roots, in one read.
        await LoadPostsAsync(context, PostAndRootIds(posts), cancellationToken).ConfigureAwait(false);

        // Roots before replies, whatever order the peer used.
        foreach (PostDto? dto in posts.OrderBy(p => string.IsNullOrEmpty(p?.RootId) ? 0 : 1))
        {
            if (dto is null)
            {
                context.Refuse(this, "post", "(null)", "the post is null");
                continue;
            }

            Post? post = SyncMapping.FromDto(dto, context.Connection.RemoteId);
            string id = dto.Id ?? "(none)";
            if (post is null)
            {
                context.Refuse(this, "post", id, "the post is missing its id, author or channel, or has invalid times");
                continue;
            }

            // Mattermost refuses longer messages too (PostMessageMaxRunesV2), so none of its peers send one.
            int maxLength = options.CurrentValue.EffectiveMaxPostMessageLength;
            if (post.Message.Length > maxLength && post.Message.EnumerateRunes().Count() > maxLength)
            {
                context.Refuse(this, "post", post.Id, $"the message is longer than {maxLength} characters, the most this workspace accepts");
                continue;
            }

            // System messages are this workspace's own notices; a peer's text must never pose as one.
            if (SyncBatchBuilder.IsSystemMessage(post))
            {
                context.Refuse(this, "post", post.Id, "system messages are not accepted from other workspaces");
                continue;
            }

            if (await CheckWriteAsync(context, "post", post.Id, post.ChannelId, post.UserId, cancellationToken).ConfigureAwait(false) is not true)
            {
                continue;
            }

            Post? existing = context.Posts.GetValueOrDefault(post.Id);
            if (existing is not null && (existing.UserId != post.UserId || existing.ChannelId != post.ChannelId))
            {
                context.Refuse(this, "post", post.Id, "a post with this id already exists with another author or channel");
                continue;
            }

            if (post.IsReply && context.Posts.GetValueOrDefault(post.RootId) is { } root && root.ChannelId != post.ChannelId)
            {
                context.Refuse(this, "post", post.Id, "the thread root is in another channel");
                continue;
            }

            context.Response.PostsLastUpdateAt = Math.Max(context.Response.PostsLastUpdateAt, dto.UpdateAt);

            // Idempotent: a delete is final, and an older or equal version never replaces a newer one.
            if (existing is not null && (existing.IsDeleted || existing.UpdateAt >= post.UpdateAt))
            {
                continue;
            }

            Post stored = post with { Message = await RewriteMentionsAsync(context, post.Message, cancellationToken).ConfigureAwait(false) };
            await host.Content.UpsertPostAsync(stored, cancellationToken).ConfigureAwait(false);
            context.Posts[stored.Id] = stored;
            context.Changed = true;
            SharedChannelsMetrics.ItemsApplied.Add(1, new KeyValuePair<string, object?>("kind", "post"));
        }
    }

    private async Task ApplyReactionsAsync(ApplyContext context, List<ReactionDto>? reactions, CancellationToken cancellationToken)
    {
        await LoadPostsAsync(context, (reactions ?? []).Select(r => r?.PostId), cancellationToken).ConfigureAwait(false);
        foreach (ReactionDto? dto in reactions ?? [])
        {
            if (dto is null)
            {
                context.Refuse(this, "reaction", "(null)", "the reaction is null");
                continue;
            }

            Reaction? reaction = SyncMapping.FromDto(dto, context.ChannelId, context.Connection.RemoteId);
            string id = dto.PostId ?? "(none)";
            if (reaction is null)
            {
                context.Refuse(this, "reaction", id, "the reaction is missing its user, post or emoji, or has invalid times");
                continue;
            }

            if (!EmojiNames.IsValid(reaction.EmojiName))
            {
                context.Refuse(this, "reaction", id, EmojiNames.InvalidReason);
                continue;
            }

            if (await CheckWriteAsync(context, "reaction", id, reaction.ChannelId, reaction.UserId, cancellationToken).ConfigureAwait(false) is not true ||
                !CheckPostInChannel(context, "reaction", reaction.PostId))
            {
                continue;
            }

            context.Response.ReactionsLastUpdateAt = Math.Max(context.Response.ReactionsLastUpdateAt, dto.UpdateAt);

            // A late, older version (a retried or reordered batch) never undoes a newer one.
            if (await host.Content.GetReactionAsync(reaction.PostId, reaction.UserId, reaction.EmojiName, cancellationToken).ConfigureAwait(false) is { } stored &&
                stored.UpdateAt >= reaction.UpdateAt)
            {
                continue;
            }

            await host.Content.UpsertReactionAsync(reaction, cancellationToken).ConfigureAwait(false);
            context.Changed = true;
            SharedChannelsMetrics.ItemsApplied.Add(1, new KeyValuePair<string, object?>("kind", "reaction"));
        }
    }

    private async Task ApplyAcknowledgementsAsync(ApplyContext context, List<AcknowledgementDto>? acknowledgements, CancellationToken cancellationToken)
    {
        await LoadPostsAsync(context, (acknowledgements ?? []).Select(a => a?.PostId), cancellationToken).ConfigureAwait(false);
        foreach (AcknowledgementDto? dto in acknowledgements ?? [])
        {
            if (dto is null)
            {
                context.Refuse(this, "acknowledgement", "(null)", "the acknowledgement is null");
                continue;
            }

            Acknowledgement? ack = SyncMapping.FromDto(dto, context.ChannelId, context.Connection.RemoteId);
            string id = dto.PostId ?? "(none)";
            if (ack is null)
            {
                context.Refuse(this, "acknowledgement", id, "the acknowledgement is missing its user or post, or has an invalid time");
                continue;
            }

            if (await CheckWriteAsync(context, "acknowledgement", id, ack.ChannelId, ack.UserId, cancellationToken, allowedReadOnly: true).ConfigureAwait(false) is not true ||
                !CheckPostInChannel(context, "acknowledgement", ack.PostId))
            {
                continue;
            }

            await host.Content.UpsertAcknowledgementAsync(ack, cancellationToken).ConfigureAwait(false);
            context.Response.AcknowledgementsLastUpdateAt = Math.Max(context.Response.AcknowledgementsLastUpdateAt, dto.AcknowledgedAt);
            context.Changed = true;
            SharedChannelsMetrics.ItemsApplied.Add(1, new KeyValuePair<string, object?>("kind", "acknowledgement"));
        }
    }

    private async Task ApplyStatusesAsync(ApplyContext context, List<StatusDto>? statuses, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.DisableSharedChannelsStatusSync)
        {
            return;
        }

        foreach (StatusDto? dto in statuses ?? [])
        {
            if (dto is null)
            {
                context.Refuse(this, "status", "(null)", "the status is null");
                continue;
            }

            UserStatus? status = SyncMapping.FromDto(dto);
            string id = dto.UserId ?? "(none)";
            if (status is null)
            {
                context.Refuse(this, "status", id, "the status is missing its user or has an unknown value");
                continue;
            }

            if (!await OwnsUserAsync(context, status.UserId, cancellationToken).ConfigureAwait(false))
            {
                context.Refuse(this, "status", id, "the sender may only set the status of its own users");
                continue;
            }

            await host.Users.SetStatusAsync(status, cancellationToken).ConfigureAwait(false);
            SharedChannelsMetrics.ItemsApplied.Add(1, new KeyValuePair<string, object?>("kind", "status"));
        }
    }

    private async Task ApplyMembershipsAsync(ApplyContext context, List<MembershipChangeDto>? changes, CancellationToken cancellationToken)
    {
        foreach (MembershipChangeDto? dto in changes ?? [])
        {
            if (dto is null)
            {
                context.Refuse(this, "membership", "(null)", "the membership is null");
                continue;
            }

            MembershipChange? change = SyncMapping.FromDto(dto, context.ChannelId, context.Connection.RemoteId);
            string id = dto.UserId ?? "(none)";
            if (change is null)
            {
                context.Refuse(this, "membership", id, "the membership change is missing its user or has an invalid time");
                continue;
            }

            if (await CheckWriteAsync(context, "membership", id, change.ChannelId, change.UserId, cancellationToken, allowedReadOnly: true).ConfigureAwait(false) is not true)
            {
                continue;
            }

            if (await host.Content.GetLatestMembershipChangeAsync(change.ChannelId, change.UserId, cancellationToken).ConfigureAwait(false) is { } latest &&
                latest.ChangeTime >= change.ChangeTime)
            {
                continue;
            }

            await host.Content.ApplyMembershipChangeAsync(change, cancellationToken).ConfigureAwait(false);
            context.Changed = true;
            SharedChannelsMetrics.ItemsApplied.Add(1, new KeyValuePair<string, object?>("kind", "membership"));
        }
    }

    /// <summary>The rights check every written item passes: right channel, writable, authored by a user the sender owns.</summary>
    private async Task<bool> CheckWriteAsync(ApplyContext context, string kind, string id, string channelId, string userId, CancellationToken cancellationToken, bool allowedReadOnly = false)
    {
        if (channelId != context.ChannelId)
        {
            context.Refuse(this, kind, id, "the item is for another channel than the message");
            return false;
        }

        if (context.ReadOnlyForSender && !allowedReadOnly)
        {
            context.Refuse(this, kind, id, "the channel is read-only for the sending workspace");
            return false;
        }

        if (!await OwnsUserAsync(context, userId, cancellationToken).ConfigureAwait(false))
        {
            context.Refuse(this, kind, id, "the sender may only write content of its own users");
            return false;
        }

        return true;
    }

    private static IEnumerable<string?> PostAndRootIds(List<PostDto> posts)
    {
        foreach (PostDto? post in posts)
        {
            if (post is not null)
            {
                yield return post.Id;
                yield return post.RootId;
            }
        }
    }

    /// <summary>Checks against the posts loaded for this message (<see cref="LoadPostsAsync"/>), which include the ones it stored.</summary>
    private bool CheckPostInChannel(ApplyContext context, string kind, string postId)
    {
        if (context.Posts.GetValueOrDefault(postId) is { } post && post.ChannelId == context.ChannelId)
        {
            return true;
        }

        context.Refuse(this, kind, postId, "the post does not exist in this channel");
        return false;
    }

    /// <summary>Reads the stored versions of the posts not yet known to this message, with one call to the host.</summary>
    private async Task LoadPostsAsync(ApplyContext context, IEnumerable<string?> postIds, CancellationToken cancellationToken)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? id in postIds)
        {
            // Any id the message names, whatever its shape: a host's own ids need not look like Mattermost's.
            if (!string.IsNullOrEmpty(id) && !context.LoadedPosts.Contains(id))
            {
                missing.Add(id);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        IReadOnlyDictionary<string, Post> found = await host.Content.GetPostsAsync(missing, cancellationToken).ConfigureAwait(false);
        foreach (string id in missing)
        {
            context.LoadedPosts.Add(id);
            if (found.TryGetValue(id, out Post? post))
            {
                context.Posts[id] = post;
            }
        }
    }

    /// <summary>A user as this message knows it: looked up once, then kept with what the message changed.</summary>
    private async ValueTask<ChatUser?> GetUserAsync(ApplyContext context, string userId, CancellationToken cancellationToken)
    {
        if (!context.Users.TryGetValue(userId, out ChatUser? user))
        {
            user = await host.Users.GetUserAsync(userId, cancellationToken).ConfigureAwait(false);
            context.Users[userId] = user;
        }

        return user;
    }

    private async Task<bool> OwnsUserAsync(ApplyContext context, string userId, CancellationToken cancellationToken) =>
        await GetUserAsync(context, userId, cancellationToken).ConfigureAwait(false) is { } user && user.RemoteId == context.Connection.RemoteId;

    private async Task<string> RewriteMentionsAsync(ApplyContext context, string message, CancellationToken cancellationToken)
    {
        if (context.MentionTransforms is not { Count: > 0 } transforms)
        {
            return message;
        }

        // The same for every post of the message: built once, after the message's users were applied.
        if (context.MentionReplacements is not { } replacements)
        {
            replacements = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach ((string mention, string? userId) in transforms)
            {
                if (userId is not null && await GetUserAsync(context, userId, cancellationToken).ConfigureAwait(false) is { } user)
                {
                    replacements[mention] = user.Username;
                }
            }

            context.MentionReplacements = replacements;
        }

        return MentionRewriter.Rewrite(message, replacements);
    }

    private void LogRefusal(ApplyContext context, string kind, string id, string reason) =>
        Log.ItemRefused(logger, context.Connection.RemoteId, kind, id, context.ChannelId, reason);

    private sealed class ApplyContext(ConnectionRecord connection, string channelId, bool readOnlyForSender, Dictionary<string, string>? mentionTransforms)
    {
        public ConnectionRecord Connection { get; } = connection;

        public string ChannelId { get; } = channelId;

        public bool ReadOnlyForSender { get; } = readOnlyForSender;

        public Dictionary<string, string>? MentionTransforms { get; } = mentionTransforms;

        public SyncResponseDto Response { get; } = new();

        /// <summary>Gets the users this message looked up or stored (<see langword="null"/>: no such user).</summary>
        public Dictionary<string, ChatUser?> Users { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets the stored posts this message loaded or stored, by id.</summary>
        public Dictionary<string, Post> Posts { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets the ids already looked up, found or not.</summary>
        public HashSet<string> LoadedPosts { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets or sets the local usernames of the message's mention transforms, once built.</summary>
        public Dictionary<string, string>? MentionReplacements { get; set; }

        public bool Changed { get; set; }

        public void Refuse(SyncReceiver receiver, string kind, string id, string reason)
        {
            receiver.LogRefusal(this, kind, id, reason);
            SharedChannelsMetrics.ItemsRejected.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("direction", "inbound"));
            (Response.ItemErrors ??= []).Add(new ItemErrorDto { Kind = kind, Id = id, Reason = reason });
            List<string>? ids = kind switch
            {
                "user" => Response.UserErrors,
                "post" => Response.PostErrors,
                "reaction" => Response.ReactionErrors,
                "acknowledgement" => Response.AcknowledgementErrors,
                "status" => Response.StatusErrors,
                _ => null,
            };
            ids?.Add(id);
        }
    }
}
