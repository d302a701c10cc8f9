using System.Globalization;
using System.Text.Json;

namespace SharedChannels.Integration.Tests.Mattermost;

// What the peer does with the topics it receives: sharedchannel/channelinvite.go onReceiveChannelInvite,
// sharedchannel/sync_recv.go onReceiveSyncMessage/processSyncMessage (and its upsert helpers), membership_recv.go
// onReceiveMembershipChanges, attachment.go onReceiveUploadCreate. A returned error text becomes FAIL with that err.
internal sealed partial class MattermostPeer
{
    /// <summary>
    /// onReceiveChannelInvite: a live row for (channel, remote) makes it a no-op; a local channel with that id is
    /// refused; otherwise the channel is created with the invite's id in the default (first) team, made read-only if
    /// asked, recorded as shared (home = false, remote = sender) and a shared-channel-remote row saved with cursors
    /// = now. The listener never sets a payload.
    /// </summary>
    private string? OnReceiveChannelInvite(JsonElement payload, PeerRemoteCluster rc)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return payload.ValueKind == JsonValueKind.Null ? null : "invalid channel invite: payload is not an object";
        }

        string channelId = GoJson.GetString(payload, "channel_id");
        lock (_gate)
        {
            PeerSharedChannelRemote? existing = FindRemoteRow(channelId, rc.RemoteId);
            if (existing is { DeleteAt: 0 })
            {
                return null;
            }

            if (existing is null)
            {
                if (Channels.ContainsKey(channelId))
                {
                    return $"cannot create new shared channel (channel_id={channelId}): channel already exists";
                }

                string type = GoJson.GetString(payload, "type");
                if (type is "D" or "G")
                {
                    return $"cannot create direct channel `{channelId}` insufficient participant count `0`";
                }

                var channel = new PeerChannel(
                    channelId,
                    TeamId,
                    GoJson.GetString(payload, "name"),
                    GoJson.GetString(payload, "display_name"),
                    GoJson.GetString(payload, "header"),
                    GoJson.GetString(payload, "purpose"),
                    type,
                    rc.CreatorId) { ReadOnly = GoJson.GetBool(payload, "read_only") };
                Channels[channelId] = channel;
            }

            SharedChannels[channelId] = new PeerSharedChannel(channelId, Home: false, existing is null && GoJson.GetBool(payload, "read_only"), rc.CreatorId, rc.RemoteId);
            long now = NowMillis();
            if (existing is not null)
            {
                existing.DeleteAt = 0;
                existing.LastPostCreateAt = now;
                existing.LastPostUpdateAt = now;
            }
            else
            {
                SharedChannelRemotes.Add(new PeerSharedChannelRemote
                {
                    Id = MattermostIds.NewId(),
                    ChannelId = channelId,
                    RemoteId = rc.RemoteId,
                    CreatorId = GoJson.GetString(payload, "creator_id"),
                    IsInviteAccepted = true,
                    IsInviteConfirmed = true,
                    LastPostCreateAt = now,
                    LastPostUpdateAt = now,
                });
            }
        }

        return null;
    }

    /// <summary>onReceiveSyncMessage → processSyncMessage, in its order. Returns (error, reply payload).</summary>
    private (string? Err, byte[]? Payload) OnReceiveSyncMessage(string topic, JsonElement payload, PeerRemoteCluster rc)
    {
        if (payload.ValueKind == JsonValueKind.Null)
        {
            return ("empty sync message", null);
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            return ("invalid sync message: json: cannot unmarshal into Go value of type model.SyncMsg", null);
        }

        string channelId = GoJson.GetString(payload, "channel_id");
        JsonElement[] posts = [.. GoJson.GetArray(payload, "posts")];
        JsonElement[] reactions = [.. GoJson.GetArray(payload, "reactions")];
        JsonElement[] acknowledgements = [.. GoJson.GetArray(payload, "acknowledgements")];
        JsonElement[] statuses = [.. GoJson.GetArray(payload, "statuses")];
        JsonElement[] memberships = [.. GoJson.GetArray(payload, "membership_changes")];
        JsonProperty[] users = [.. GoJson.GetMap(payload, "users")];

        lock (_gate)
        {
            // Only membership changes and the feature off: nothing done, no payload set.
            if (memberships.Length > 0 && !Options.EnableSharedChannelsMemberSync && users.Length == 0 && posts.Length == 0 && reactions.Length == 0)
            {
                return (null, null);
            }

            if (channelId.Length == 0)
            {
                return ProcessGlobalUserSync(posts, reactions, statuses, users, rc);
            }

            if (!Channels.TryGetValue(channelId, out PeerChannel? channel))
            {
                return ($"channel not found processing sync message: resource: Channel id: {channelId}", null);
            }

            if (FindRemoteRow(channelId, rc.RemoteId) is not { DeleteAt: 0 })
            {
                return ($"cannot process sync message; {ErrChannelNotShared}: {channelId}", null);
            }

            var userErrors = new List<string>();
            var usersSyncd = new List<string>();
            var postErrors = new List<string>();
            var reactionErrors = new List<string>();
            var acknowledgementErrors = new List<string>();
            List<string>? statusErrors = null;
            var membershipErrors = new List<string>();
            long usersLastUpdateAt = 0, postsLastUpdateAt = 0, reactionsLastUpdateAt = 0, acknowledgementsLastUpdateAt = 0;

            // Users before posts; a failure is only logged in a channel sync.
            foreach (JsonProperty entry in users)
            {
                if (UpsertSyncUser(entry.Value, channel, rc) is { } saved)
                {
                    usersSyncd.Add(saved.Id);
                    usersLastUpdateAt = Math.Max(usersLastUpdateAt, GoJson.GetInt64(entry.Value, "update_at"));
                    Receipts.Add(new PeerReceipt("user", $"{saved.Id}@{GoJson.GetInt64(entry.Value, "update_at")}"));
                }
            }

            foreach (JsonElement post in posts)
            {
                string postId = GoJson.GetString(post, "id");
                if (GoJson.GetString(post, "channel_id") != channelId || UpsertSyncPost(post, channel, rc) is not { } saved)
                {
                    postErrors.Add(postId);
                    continue;
                }

                postsLastUpdateAt = Math.Max(postsLastUpdateAt, saved.UpdateAt);
                Receipts.Add(new PeerReceipt("post", string.Create(CultureInfo.InvariantCulture, $"{postId}@{GoJson.GetInt64(post, "update_at")}/{GoJson.GetInt64(post, "edit_at")}/{GoJson.GetInt64(post, "delete_at")}")));
            }

            // Reaction errors are only logged, never reported back.
            foreach (JsonElement reaction in reactions)
            {
                if (UpsertSyncReaction(reaction, channel, rc))
                {
                    reactionsLastUpdateAt = Math.Max(reactionsLastUpdateAt, GoJson.GetInt64(reaction, "update_at"));
                }

                Receipts.Add(new PeerReceipt("reaction", string.Create(CultureInfo.InvariantCulture, $"{GoJson.GetString(reaction, "user_id")}/{GoJson.GetString(reaction, "post_id")}/{GoJson.GetString(reaction, "emoji_name")}@{GoJson.GetInt64(reaction, "update_at")}/{GoJson.GetInt64(reaction, "delete_at")}")));
            }

            foreach (JsonElement acknowledgement in acknowledgements)
            {
                if (UpsertSyncAcknowledgement(acknowledgement, channel, rc))
                {
                    acknowledgementsLastUpdateAt = Math.Max(acknowledgementsLastUpdateAt, GoJson.GetInt64(acknowledgement, "acknowledged_at"));
                }
                else
                {
                    acknowledgementErrors.Add(GoJson.GetString(acknowledgement, "post_id"));
                }

                Receipts.Add(new PeerReceipt("acknowledgement", string.Create(CultureInfo.InvariantCulture, $"{GoJson.GetString(acknowledgement, "user_id")}/{GoJson.GetString(acknowledgement, "post_id")}@{GoJson.GetInt64(acknowledgement, "acknowledged_at")}")));
            }

            // Statuses: the user must exist and belong to this remote; failures go into status_errors (nil until one).
            foreach (JsonElement status in statuses)
            {
                string userId = GoJson.GetString(status, "user_id");
                if (Users.TryGetValue(userId, out PeerUser? user) && user.RemoteId == rc.RemoteId)
                {
                    Statuses[userId] = new PeerStatus(userId, GoJson.GetString(status, "status"), GoJson.GetBool(status, "manual"), GoJson.GetInt64(status, "last_activity_at"), GoJson.GetInt64(status, "dnd_end_time"));
                    Receipts.Add(new PeerReceipt("status", string.Create(CultureInfo.InvariantCulture, $"{userId}/{GoJson.GetString(status, "status")}@{GoJson.GetInt64(status, "last_activity_at")}")));
                }
                else
                {
                    (statusErrors ??= []).Add(userId);
                }
            }

            if (memberships.Length > 0 && Options.EnableSharedChannelsMemberSync)
            {
                OnReceiveMembershipChanges(memberships, channelId, rc, membershipErrors);
            }

            byte[] response = GoJson.ToBytes(w =>
            {
                // model.SyncResponse; status_errors nil unless a status failed; membership_errors omitempty.
                w.WriteStartObject();
                GoJson.Int64(w, "users_last_update_at", usersLastUpdateAt);
                GoJson.StringSlice(w, "user_errors", userErrors);
                GoJson.StringSlice(w, "users_syncd", usersSyncd);
                GoJson.Int64(w, "posts_last_update_at", postsLastUpdateAt);
                GoJson.StringSlice(w, "post_errors", postErrors);
                GoJson.Int64(w, "reactions_last_update_at", reactionsLastUpdateAt);
                GoJson.StringSlice(w, "reaction_errors", reactionErrors);
                GoJson.Int64(w, "acknowledgements_last_update_at", acknowledgementsLastUpdateAt);
                GoJson.StringSlice(w, "acknowledgement_errors", acknowledgementErrors);
                GoJson.StringSlice(w, "status_errors", statusErrors);
                GoJson.StringSlice(w, "membership_errors", membershipErrors, omitEmpty: true);
                w.WriteEndObject();
            });
            return (null, response);
        }
    }

    /// <summary>processGlobalUserSync: users only, upserted without a channel; only user_errors and users_syncd initialized.</summary>
    private (string? Err, byte[]? Payload) ProcessGlobalUserSync(JsonElement[] posts, JsonElement[] reactions, JsonElement[] statuses, JsonProperty[] users, PeerRemoteCluster rc)
    {
        if (posts.Length != 0 || reactions.Length != 0 || statuses.Length != 0)
        {
            return ("global user sync message should not contain posts, reactions or statuses", null);
        }

        if (users.Length == 0 || !Options.EnableGlobalUserSync)
        {
            return (null, null);
        }

        var userErrors = new List<string>();
        var usersSyncd = new List<string>();
        long usersLastUpdateAt = 0;
        foreach (JsonProperty entry in users)
        {
            if (UpsertSyncUser(entry.Value, channel: null, rc) is { } saved)
            {
                usersSyncd.Add(saved.Id);
                usersLastUpdateAt = Math.Max(usersLastUpdateAt, GoJson.GetInt64(entry.Value, "update_at"));
                Receipts.Add(new PeerReceipt("global-user", $"{saved.Id}@{GoJson.GetInt64(entry.Value, "update_at")}"));
            }
            else
            {
                userErrors.Add(GoJson.GetString(entry.Value, "id"));
            }
        }

        return (null, GoJson.ToBytes(w =>
        {
            w.WriteStartObject();
            GoJson.Int64(w, "users_last_update_at", usersLastUpdateAt);
            GoJson.StringSlice(w, "user_errors", userErrors);
            GoJson.StringSlice(w, "users_syncd", usersSyncd);
            GoJson.Int64(w, "posts_last_update_at", 0);
            GoJson.StringSlice(w, "post_errors", null);
            GoJson.Int64(w, "reactions_last_update_at", 0);
            GoJson.StringSlice(w, "reaction_errors", null);
            GoJson.Int64(w, "acknowledgements_last_update_at", 0);
            GoJson.StringSlice(w, "acknowledgement_errors", null);
            GoJson.StringSlice(w, "status_errors", null);
            w.WriteEndObject();
        }));
    }

    /// <summary>
    /// upsertSyncUser / insertSyncUser / updateSyncUser: a new user gets remote_id = the sender, its original username
    /// and email in props, username <c>name:remote</c> (util.go mungUsername) and a random email; an existing user must
    /// already belong to the sender. With a channel, the user joins it.
    /// </summary>
    private PeerUser? UpsertSyncUser(JsonElement json, PeerChannel? channel, PeerRemoteCluster rc)
    {
        string id = GoJson.GetString(json, "id");
        string username = GoJson.GetString(json, "username");
        if (id.Length != 26 || username.Length == 0)
        {
            return null;
        }

        if (Users.TryGetValue(id, out PeerUser? user))
        {
            if (user.RemoteId != rc.RemoteId)
            {
                return null;
            }

            if (!username.Contains(':', StringComparison.Ordinal))
            {
                user.Props["RemoteUsername"] = username;
            }

            user.Username = MungUsername(username, rc.Name);
            user.UpdateAt = NowMillis();
        }
        else
        {
            user = new PeerUser { Id = id, Username = MungUsername(username, rc.Name), Email = MattermostIds.NewId(), RemoteId = rc.RemoteId, CreateAt = NowMillis(), UpdateAt = NowMillis() };
            user.Props["RemoteUsername"] = username;
            user.Props["RemoteEmail"] = GoJson.GetString(json, "email");
            user.Props["OriginalRemoteId"] = rc.RemoteId;
            Users[id] = user;
        }

        user.Nickname = GoJson.GetString(json, "nickname");
        user.FirstName = GoJson.GetString(json, "first_name");
        user.LastName = GoJson.GetString(json, "last_name");
        if (channel is not null)
        {
            ChannelMembers.Add((channel.Id, id));
        }

        return user;
    }

    /// <summary>util.go mungUsername (without the collision suffixes): <c>name:remote</c>, at most 64 characters.</summary>
    private static string MungUsername(string username, string remoteName)
    {
        if (username.Contains(':', StringComparison.Ordinal))
        {
            return username;
        }

        string munged = $"{username}:{remoteName}";
        return munged.Length <= 64 ? munged : munged[..61] + "...";
    }

    /// <summary>
    /// upsertSyncPost: the post must be in the target channel; a new post's author must belong to the sender; a
    /// delete_at &gt; 0 deletes; a later edit, another message or a later update_at updates; otherwise ignored.
    /// </summary>
    private PeerPost? UpsertSyncPost(JsonElement json, PeerChannel channel, PeerRemoteCluster rc)
    {
        string id = GoJson.GetString(json, "id");
        Posts.TryGetValue(id, out PeerPost? existing);
        if (existing is not null && existing.ChannelId != channel.Id)
        {
            return null;
        }

        string message = GoJson.GetString(json, "message");
        long editAt = GoJson.GetInt64(json, "edit_at");
        long updateAt = GoJson.GetInt64(json, "update_at");
        long deleteAt = GoJson.GetInt64(json, "delete_at");
        if (existing is null)
        {
            string userId = GoJson.GetString(json, "user_id");
            if (!Users.TryGetValue(userId, out PeerUser? author) || author.RemoteId != rc.RemoteId)
            {
                return null;
            }

            // app CreatePost keeps the given ids and times.
            var post = new PeerPost
            {
                Id = id,
                ChannelId = channel.Id,
                UserId = userId,
                RootId = GoJson.GetString(json, "root_id"),
                Message = message,
                Type = GoJson.GetString(json, "type"),
                CreateAt = GoJson.GetInt64(json, "create_at"),
                UpdateAt = Math.Max(updateAt, GoJson.GetInt64(json, "create_at")),
                EditAt = editAt,
                DeleteAt = deleteAt,
                RemoteId = rc.RemoteId,
            };
            if (post.RootId.Length > 0 && !Posts.ContainsKey(post.RootId))
            {
                return null;
            }

            post.FileIds = AttachFilesToPost(post, [.. GoJson.GetArray(json, "file_ids").Select(f => f.GetString() ?? string.Empty)]);
            Posts[id] = post;
            ChannelMembers.Add((channel.Id, userId));
            return post;
        }

        if (deleteAt > 0)
        {
            existing.DeleteAt = NowMillis();
            existing.UpdateAt = existing.DeleteAt;
            return existing;
        }

        if (editAt > existing.EditAt || message != existing.Message || updateAt > existing.UpdateAt)
        {
            existing.Message = message;
            existing.EditAt = Math.Max(editAt, existing.EditAt);
            existing.UpdateAt = NowMillis();
        }

        return existing;
    }

    /// <summary>
    /// app/post.go attachFilesToPost (via CreatePost): each file id is attached with FileInfoStore.AttachToPost, which
    /// needs an existing file of the post's author not yet attached to a post; the ids that could not be
    /// attached are dropped from the post (Post.Overwrite). So a file that arrives after its post is never shown on it.
    /// </summary>
    private List<string> AttachFilesToPost(PeerPost post, List<string> fileIds)
    {
        if (fileIds.Count == 0)
        {
            return fileIds;
        }

        var attached = new List<string>();
        foreach (string fileId in fileIds)
        {
            if (Files.TryGetValue(fileId, out PeerFile? file) && file.PostId.Length == 0 && file.UserId == post.UserId)
            {
                file.PostId = post.Id;
                attached.Add(fileId);
            }
        }

        return attached;
    }

    /// <summary>
    /// upsertSyncReaction (newest): the post must be in the channel; a reaction for (user, post, this remote, emoji) —
    /// deleted rows included — is deleted whatever the incoming delete_at; otherwise, if the user belongs to the sender,
    /// it is saved. So a second delivery of the same reaction removes it.
    /// </summary>
    private bool UpsertSyncReaction(JsonElement json, PeerChannel channel, PeerRemoteCluster rc)
    {
        string postId = GoJson.GetString(json, "post_id");
        string userId = GoJson.GetString(json, "user_id");
        string emoji = GoJson.GetString(json, "emoji_name");
        if (!Posts.TryGetValue(postId, out PeerPost? post) || post.ChannelId != channel.Id)
        {
            return false;
        }

        PeerReaction? existing = Reactions.Find(r => r.UserId == userId && r.PostId == postId && r.RemoteId == rc.RemoteId && r.EmojiName == emoji);
        long now = NowMillis();
        if (existing is null)
        {
            if (!Users.TryGetValue(userId, out PeerUser? user) || user.RemoteId != rc.RemoteId)
            {
                return false;
            }

            // app SaveReactionForPost: a live reaction, whatever the incoming delete_at.
            Reactions.Add(new PeerReaction { UserId = userId, PostId = postId, EmojiName = emoji, ChannelId = channel.Id, CreateAt = GoJson.GetInt64(json, "create_at"), UpdateAt = now, RemoteId = rc.RemoteId });
        }
        else
        {
            existing.DeleteAt = now;
            existing.UpdateAt = now;
        }

        post.UpdateAt = now;
        return true;
    }

    /// <summary>
    /// upsertSyncAcknowledgement: the post must be in the channel; a new ack needs a user of the sender; an existing
    /// one must be the sender's and is deleted only when acknowledged_at is 0.
    /// </summary>
    private bool UpsertSyncAcknowledgement(JsonElement json, PeerChannel channel, PeerRemoteCluster rc)
    {
        string postId = GoJson.GetString(json, "post_id");
        string userId = GoJson.GetString(json, "user_id");
        long acknowledgedAt = GoJson.GetInt64(json, "acknowledged_at");
        if (!Posts.TryGetValue(postId, out PeerPost? post) || post.ChannelId != channel.Id)
        {
            return false;
        }

        PeerAcknowledgement? existing = Acknowledgements.Find(a => a.UserId == userId && a.PostId == postId && a.RemoteId == rc.RemoteId);
        if (existing is null)
        {
            if (!Users.TryGetValue(userId, out PeerUser? user) || user.RemoteId != rc.RemoteId)
            {
                return false;
            }

            Acknowledgements.Add(new PeerAcknowledgement { UserId = userId, PostId = postId, ChannelId = channel.Id, AcknowledgedAt = acknowledgedAt, RemoteId = rc.RemoteId, ChangedAt = NowMillis() });
            return true;
        }

        if (acknowledgedAt == 0)
        {
            Acknowledgements.Remove(existing);
        }

        return true;
    }

    /// <summary>membership_recv.go onReceiveMembershipChanges: adds and removes of the sender's users; per-change failures only logged.</summary>
    private void OnReceiveMembershipChanges(JsonElement[] changes, string channelId, PeerRemoteCluster rc, List<string> membershipErrors)
    {
        foreach (JsonElement change in changes)
        {
            string userId = GoJson.GetString(change, "user_id");
            if (GoJson.GetString(change, "channel_id") != channelId || !Users.TryGetValue(userId, out PeerUser? user) || user.RemoteId != rc.RemoteId)
            {
                continue;
            }

            bool isAdd = GoJson.GetBool(change, "is_add");
            if (isAdd)
            {
                ChannelMembers.Add((channelId, userId));
            }
            else
            {
                ChannelMembers.Remove((channelId, userId));
            }

            Receipts.Add(new PeerReceipt("membership", string.Create(CultureInfo.InvariantCulture, $"{userId}/{isAdd}@{GoJson.GetInt64(change, "change_time")}")));
        }

        _ = membershipErrors;
    }

    /// <summary>
    /// attachment.go onReceiveUploadCreate + app/upload.go CreateUploadSession: the channel must be shared with the
    /// sender, the size within MaxFileSize, the type attachment; remote_id forced to the sender; offset 0. Reply: the saved session.
    /// </summary>
    private (string? Err, byte[]? Payload) OnReceiveUploadCreate(JsonElement json, PeerRemoteCluster rc)
    {
        string channelId = GoJson.GetString(json, "channel_id");
        lock (_gate)
        {
            UploadAnnouncements.Add(json.GetRawText());
            Receipts.Add(new PeerReceipt("upload", GoJson.GetString(json, "req_file_id")));
            if (FindRemoteRow(channelId, rc.RemoteId) is not { DeleteAt: 0 })
            {
                return ("Channel is not shared with remote.", null);
            }

            long size = GoJson.GetInt64(json, "file_size");
            if (size > Options.MaxFileSize)
            {
                return ("Unable to upload file. File is too large.", null);
            }

            string type = GoJson.GetString(json, "type");
            string id = GoJson.GetString(json, "id");
            string userId = GoJson.GetString(json, "user_id");
            string filename = GoJson.GetString(json, "filename");
            if (type != "attachment" || id.Length != 26 || userId.Length != 26 || filename.Length == 0 || size <= 0 || !Channels.ContainsKey(channelId))
            {
                return ("Invalid upload session.", null);
            }

            var session = new PeerUploadSession
            {
                Id = id,
                CreateAt = NowMillis(),
                UserId = userId,
                ChannelId = channelId,
                Filename = filename,
                FileSize = size,
                RemoteId = rc.RemoteId,
                ReqFileId = GoJson.GetString(json, "req_file_id"),
            };
            UploadSessions[id] = session;
            return (null, GoJson.ToBytes(session.Write));
        }
    }

    private PeerSharedChannelRemote? FindRemoteRow(string channelId, string remoteId) =>
        SharedChannelRemotes.Find(r => r.ChannelId == channelId && r.RemoteId == remoteId);
}
