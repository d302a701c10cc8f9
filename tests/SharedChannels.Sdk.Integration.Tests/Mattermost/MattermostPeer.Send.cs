using System.Text;
using System.Text.Json;

namespace SharedChannels.Integration.Tests.Mattermost;

// What the peer starts: invitations (app/remote_cluster.go, remotecluster/invitation.go), pings (remotecluster/ping.go),
// channel invites (sharedchannel/channelinvite.go SendChannelInvite), the peer's own chat changes (app layer), and
// sync sends (sharedchannel/sync_send_remote.go syncForRemote/sendSyncData, syncAllUsers, syncProfileImage), files
// (sharedchannel/attachment.go sendAttachmentForRemote, remotecluster/sendfile.go) and images (remotecluster/sendprofileImage.go).
internal sealed partial class MattermostPeer
{
    // ---- secure connections ----

    /// <summary>
    /// app CreateRemoteClusterInvite: a pending row (its own new remote id and token), and the invitation
    /// {remote_id, remote_team_id "", site_url, token, version 3} encrypted with the password.
    /// </summary>
    public (string RemoteId, string Code) CreateInvitation(string name, string password)
    {
        var rc = new PeerRemoteCluster { RemoteId = MattermostIds.NewId(), Name = name.ToLowerInvariant(), Token = MattermostIds.NewId(), CreateAt = NowMillis(), CreatorId = MattermostIds.NewId() };
        lock (_gate)
        {
            RemoteClusters[rc.RemoteId] = rc;
        }

        string code = MattermostInvitationCode.Encrypt(new MattermostInvitationCode.Invite(rc.RemoteId, SiteUrl, rc.Token, Version: 3), password);
        return (rc.RemoteId, code);
    }

    /// <summary>
    /// remotecluster AcceptInvitation: store the row first (a new Token the inviter must present, a new RemoteToken
    /// since version ≥ 2), then POST confirm_invite with the invite's own token; any failure deletes the row; then
    /// the first ping (a goroutine in Mattermost; awaited here). Returns the error text, or null.
    /// </summary>
    public async Task<string?> AcceptInvitationAsync(string name, string code, string password)
    {
        MattermostInvitationCode.Invite invite = MattermostInvitationCode.Decrypt(code, password);
        var rc = new PeerRemoteCluster
        {
            RemoteId = invite.RemoteId,
            Name = name.ToLowerInvariant(),
            Token = MattermostIds.NewId(),
            RemoteToken = invite.Version >= 2 ? MattermostIds.NewId() : invite.Token,
            SiteUrl = invite.SiteUrl,
            CreateAt = NowMillis(),
            CreatorId = MattermostIds.NewId(),
        };
        lock (_gate)
        {
            RemoteClusters[rc.RemoteId] = rc;
        }

        byte[] confirm = MattermostInvitationCode.ToJson(new MattermostInvitationCode.Invite(rc.RemoteId, SiteUrl, rc.Token, rc.RemoteToken, Version: 3));
        string? failure;
        try
        {
            (int status, string body) = await SendFrameAsync(rc.SiteUrl, "api/v4/remotecluster/confirm_invite", rc.RemoteId, invite.Token, TopicInvitation, confirm);
            if (status != 200)
            {
                failure = $"unexpected response: {status}";
            }
            else
            {
                using JsonDocument response = JsonDocument.Parse(body);
                failure = GoJson.GetString(response.RootElement, "status") == "OK" ? null : GoJson.GetString(response.RootElement, "err");
            }
        }
        catch (HttpRequestException ex)
        {
            failure = ex.Message;
        }
        catch (JsonException ex)
        {
            failure = "invalid response from remote server: " + ex.Message;
        }

        if (failure is not null)
        {
            lock (_gate)
            {
                RemoteClusters.Remove(rc.RemoteId);
            }

            return failure;
        }

        await PingStatusAsync(rc);
        return null;
    }

    /// <summary>remotecluster/ping.go pingRemote: topic ping, payload {sent_at, recv_at 0}; a 200 with a ping body sets LastPingAt.</summary>
    public async Task<int> PingStatusAsync(PeerRemoteCluster rc)
    {
        long sentAt = NowMillis();
        byte[] ping = GoJson.ToBytes(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("sent_at", sentAt);
            w.WriteNumber("recv_at", 0);
            w.WriteEndObject();
        });
        (int status, string body) = await SendFrameAsync(rc.SiteUrl, "api/v4/remotecluster/ping", rc.RemoteId, rc.RemoteToken, TopicPing, ping);
        if (status == 200)
        {
            using JsonDocument reply = JsonDocument.Parse(body);
            if (GoJson.GetInt64(reply.RootElement, "recv_at") > 0)
            {
                lock (_gate)
                {
                    rc.LastPingAt = NowMillis();
                }
            }
        }

        return status;
    }

    public Task<int> PingAsync(string remoteId) => PingStatusAsync(Read(p => p.RemoteClusters[remoteId]));

    // ---- the peer's own chat data (app layer) ----

    public PeerUser CreateUser(string username)
    {
        long now = NowMillis();
        var user = new PeerUser { Id = MattermostIds.NewId(), Username = username, Email = username + "@mm.example.com", CreateAt = now, UpdateAt = now };
        lock (_gate)
        {
            Users[user.Id] = user;
        }

        return user;
    }

    public PeerChannel CreateChannel(string name, string creatorId)
    {
        var channel = new PeerChannel(MattermostIds.NewId(), TeamId, name, name, string.Empty, string.Empty, "O", creatorId);
        lock (_gate)
        {
            Channels[channel.Id] = channel;
            ChannelMembers.Add((channel.Id, creatorId));
        }

        return channel;
    }

    /// <summary>app CreatePost; files uploaded before are attached as attachFilesToPost does (ids it cannot attach are dropped).</summary>
    public PeerPost CreatePost(string channelId, string userId, string message, string rootId = "", IReadOnlyList<string>? fileIds = null)
    {
        long now = NowMillis();
        var post = new PeerPost { Id = MattermostIds.NewId(), ChannelId = channelId, UserId = userId, Message = message, RootId = rootId, CreateAt = now, UpdateAt = now };
        lock (_gate)
        {
            if (fileIds is not null)
            {
                post.FileIds = AttachFilesToPost(post, [.. fileIds]);
            }

            Posts[post.Id] = post;
            AddMember(channelId, userId);
        }

        return post;
    }

    /// <summary>app UploadFileX: a FileInfo of the user in the channel, not yet attached to a post, remote_id nil.</summary>
    public PeerFile UploadFile(string channelId, string userId, string name, byte[] content)
    {
        var file = new PeerFile(MattermostIds.NewId(), userId, channelId, name, content, RemoteId: null, NowMillis());
        lock (_gate)
        {
            Files[file.Id] = file;
        }

        return file;
    }

    /// <summary>app SetProfileImageFromFile + UserStore.UpdateLastPictureUpdate: the image, and last_picture_update = update_at = now.</summary>
    public void SetProfileImage(string userId, byte[] image)
    {
        lock (_gate)
        {
            PeerUser user = Users[userId];
            user.ProfileImage = image;
            user.LastPictureUpdate = NowMillis();
            user.UpdateAt = user.LastPictureUpdate;
        }
    }

    public void EditPost(string postId, string message)
    {
        lock (_gate)
        {
            PeerPost post = Posts[postId];
            post.Message = message;
            post.EditAt = NowMillis();
            post.UpdateAt = post.EditAt;
        }
    }

    public void DeletePost(string postId)
    {
        lock (_gate)
        {
            PeerPost post = Posts[postId];
            post.DeleteAt = NowMillis();
            post.UpdateAt = post.DeleteAt;
        }
    }

    /// <summary>app SaveReactionForPost / DeleteReactionForPost: soft delete; the post's update_at moves too.</summary>
    public void SetReaction(string postId, string userId, string emoji, bool add)
    {
        lock (_gate)
        {
            PeerPost post = Posts[postId];
            long now = NowMillis();
            PeerReaction? reaction = Reactions.Find(r => r.PostId == postId && r.UserId == userId && r.EmojiName == emoji && r.RemoteId is null);
            if (reaction is null)
            {
                reaction = new PeerReaction { PostId = postId, UserId = userId, EmojiName = emoji, ChannelId = post.ChannelId, CreateAt = now };
                Reactions.Add(reaction);
            }

            reaction.UpdateAt = now;
            reaction.DeleteAt = add ? 0 : now;
            post.UpdateAt = now;
        }
    }

    public void SetAcknowledgement(string postId, string userId, bool acknowledged)
    {
        lock (_gate)
        {
            PeerPost post = Posts[postId];
            long now = NowMillis();
            PeerAcknowledgement? ack = Acknowledgements.Find(a => a.PostId == postId && a.UserId == userId && a.RemoteId is null);
            if (ack is null)
            {
                ack = new PeerAcknowledgement { PostId = postId, UserId = userId, ChannelId = post.ChannelId };
                Acknowledgements.Add(ack);
            }

            ack.AcknowledgedAt = acknowledged ? now : 0;
            ack.ChangedAt = now;
        }
    }

    public void SetStatus(string userId, string status)
    {
        lock (_gate)
        {
            var value = new PeerStatus(userId, status, Manual: true, NowMillis(), DndEndTime: 0);
            Statuses[userId] = value;
            PendingStatuses.Add(value);
        }
    }

    public void AddMember(string channelId, string userId)
    {
        lock (_gate)
        {
            if (ChannelMembers.Add((channelId, userId)))
            {
                MembershipHistory.Add(new PeerMembershipChange(channelId, userId, IsAdd: true, string.Empty, NowMillis()));
            }
        }
    }

    // ---- channel invites ----

    /// <summary>
    /// SendChannelInvite to an online remote: share the channel (home) and send the invite (team_id "", participant
    /// arrays null); the shared-channel-remote row is saved only by the result callback after an OK reply — here after
    /// <see cref="MattermostPeerOptions.InviteCallbackDelay"/>, modelling the callback's latency — with cursors = now,
    /// followed by a channel-changed notice (a sync). Returns the reply.
    /// </summary>
    public async Task<(bool Ok, string Err)> InviteToChannelAsync(string channelId, string remoteId, string userId, bool readOnly = false)
    {
        PeerRemoteCluster rc;
        PeerChannel channel;
        lock (_gate)
        {
            rc = RemoteClusters[remoteId];
            channel = Channels[channelId];
            if (!SharedChannels.ContainsKey(channelId))
            {
                SharedChannels[channelId] = new PeerSharedChannel(channelId, Home: true, readOnly, userId, RemoteId: null);
            }
        }

        byte[] invite = GoJson.ToBytes(w =>
        {
            // channelInviteMsg: no omitempty.
            w.WriteStartObject();
            GoJson.String(w, "channel_id", channel.Id);
            GoJson.String(w, "team_id", string.Empty);
            GoJson.Bool(w, "read_only", readOnly);
            GoJson.String(w, "name", channel.Name);
            GoJson.String(w, "display_name", channel.DisplayName);
            GoJson.String(w, "header", channel.Header);
            GoJson.String(w, "purpose", channel.Purpose);
            GoJson.String(w, "type", channel.Type);
            GoJson.String(w, "creator_id", string.Empty);
            GoJson.StringSlice(w, "direct_participant_ids", null);
            w.WriteNull("direct_participants");
            w.WriteEndObject();
        });
        RemoteResponse response = await SendMsgAsync(rc, TopicChannelInvite, invite);
        if (!response.IsSuccess)
        {
            return (false, response.Err);
        }

        TrackCallback(SaveInvitedRemoteAsync(channelId, rc, userId));
        return (true, string.Empty);
    }

    private async Task SaveInvitedRemoteAsync(string channelId, PeerRemoteCluster rc, string userId)
    {
        await Task.Delay(Options.InviteCallbackDelay, TimeProvider.System, CancellationToken.None);
        lock (_gate)
        {
            long now = NowMillis();
            PeerSharedChannelRemote? existing = FindRemoteRow(channelId, rc.RemoteId);
            if (existing is { DeleteAt: 0, IsInviteConfirmed: true })
            {
                return;
            }

            if (existing is not null)
            {
                existing.DeleteAt = 0;
                existing.IsInviteConfirmed = true;
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
                    CreatorId = userId,
                    IsInviteAccepted = true,
                    IsInviteConfirmed = true,
                    LastPostCreateAt = now,
                    LastPostUpdateAt = now,
                });
            }
        }

        await SyncChannelAsync(channelId);
    }

    // ---- sync send ----

    /// <summary>
    /// syncForRemote for every live, confirmed remote of the channel. Per remote: posts changed after the cursor
    /// (deleted included, ≤ 50, roots before replies, not echoed back to their origin, unedited-or-newly-edited or
    /// deleted — filterPostsForSync), the users they need (not the remote's own, ≤ 25 a message), reactions and
    /// acknowledgements changed after the cursor (not the remote's own), memberships (only with the member-sync flag)
    /// and queued statuses; the files of the posts to send (fetchPostAttachmentsForSync) and the profile images of the
    /// users shouldUserSync picks. Sent in sendSyncData's order: users, memberships, files, posts, acks, reactions,
    /// statuses, images. The post cursor moves in the post reply's callback; a FAIL "no longer shared" uninvites.
    /// </summary>
    public async Task SyncChannelAsync(string channelId)
    {
        List<(PeerRemoteCluster Rc, PeerSharedChannelRemote Scr)> targets;
        lock (_gate)
        {
            targets = [.. SharedChannelRemotes.Where(r => r.ChannelId == channelId && r.DeleteAt == 0 && r.IsInviteConfirmed).Select(r => (RemoteClusters[r.RemoteId], r))];
        }

        foreach ((PeerRemoteCluster rc, PeerSharedChannelRemote scr) in targets)
        {
            await SyncForRemoteAsync(channelId, rc, scr);
        }
    }

    private async Task SyncForRemoteAsync(string channelId, PeerRemoteCluster rc, PeerSharedChannelRemote scr)
    {
        List<byte[]> userBatches = [];
        List<PeerPost> posts;
        List<PeerReaction> reactions;
        List<PeerAcknowledgement> acks;
        List<PeerStatus> statuses;
        List<PeerMembershipChange> memberships;
        List<PeerUser> profileImages = [];
        List<(PeerFile File, PeerPost Post)> attachments = [];
        long nextCursor;
        lock (_gate)
        {
            long cursor = scr.LastPostUpdateAt;
            List<PeerPost> changed = [.. Posts.Values.Where(p => p.ChannelId == channelId && p.UpdateAt > cursor).OrderBy(p => p.UpdateAt).Take(MaxPostsPerSync)];
            nextCursor = changed.Count > 0 ? changed[^1].UpdateAt : cursor;
            posts = [];
            foreach (PeerPost post in changed)
            {
                // Roots before replies.
                if (post.RootId.Length > 0 && Posts.TryGetValue(post.RootId, out PeerPost? root) && changed.Contains(root) && !posts.Contains(root))
                {
                    posts.Add(root);
                }

                if (!posts.Contains(post))
                {
                    posts.Add(post);
                }
            }

            posts = [.. posts.Where(p => !(p.EditAt > 0 && p.EditAt < cursor && p.DeleteAt == 0) && p.RemoteId != rc.RemoteId)];
            reactions = [.. Reactions.Where(r => r.ChannelId == channelId && r.UpdateAt > cursor && r.RemoteId != rc.RemoteId)];
            acks = [.. Acknowledgements.Where(a => a.ChannelId == channelId && a.ChangedAt > cursor && a.RemoteId != rc.RemoteId)];
            statuses = [.. PendingStatuses.Where(s => Users.TryGetValue(s.UserId, out PeerUser? u) && u.RemoteId != rc.RemoteId && ChannelMembers.Contains((channelId, s.UserId)))];
            PendingStatuses.RemoveAll(statuses.Contains);
            memberships = Options.EnableSharedChannelsMemberSync
                ? [.. MembershipHistory.Where(m => m.ChannelId == channelId && m.ChangeTime > scr.LastMembersSyncAt && Users.TryGetValue(m.UserId, out PeerUser? u) && u.RemoteId != rc.RemoteId)]
                : [];

            // shouldUserSync (sync_send_remote.go): users referenced, not the remote's own. A user new to the
            // (user, channel, remote) table is saved there with LastSyncAt 0 and synced with its image; otherwise the
            // profile syncs when update_at > LastSyncAt and the image when last_picture_update > LastSyncAt.
            IEnumerable<string> referenced = posts.Select(p => p.UserId).Concat(reactions.Select(r => r.UserId)).Concat(acks.Select(a => a.UserId)).Concat(memberships.Select(m => m.UserId));
            List<PeerUser> users = [];
            foreach (PeerUser u in referenced.Distinct(StringComparer.Ordinal).Select(id => Users[id]).Where(u => u.RemoteId != rc.RemoteId))
            {
                var key = (u.Id, channelId, rc.RemoteId);
                if (!SharedChannelUsers.TryGetValue(key, out long last))
                {
                    SharedChannelUsers[key] = 0;
                    users.Add(u);
                    profileImages.Add(u);
                    continue;
                }

                if (u.UpdateAt > last)
                {
                    users.Add(u);
                }

                if (u.LastPictureUpdate > last)
                {
                    profileImages.Add(u);
                }
            }

            // fetchPostAttachmentsForSync: the files of each post to send (deleted ones included, FileInfoStore
            // GetForPost), unless shouldSyncAttachment finds a SharedChannelAttachment row with LastSyncAt ≥ update_at.
            foreach (PeerPost post in posts)
            {
                attachments.AddRange(Files.Values
                    .Where(f => f.PostId == post.Id)
                    .Where(f => !SharedChannelAttachments.TryGetValue((f.Id, rc.RemoteId), out long synced) || synced < f.UpdateAt)
                    .Select(f => (f, post)));
            }

            foreach (PeerUser[] batch in users.Chunk(MaxUsersPerSync))
            {
                userBatches.Add(SyncMsg(channelId, w =>
                {
                    w.WriteStartObject("users");
                    foreach (PeerUser user in batch)
                    {
                        w.WritePropertyName(user.Id);
                        user.WriteSanitized(w);
                    }

                    w.WriteEndObject();
                }));
            }
        }

        foreach (byte[] batch in userBatches)
        {
            if (await SendSyncMsgAsync(rc, channelId, batch, ack => MarkUsersSynced(ack, channelId, rc)) is false)
            {
                return;
            }
        }

        if (memberships.Count > 0 && await SendSyncMsgAsync(rc, channelId, SyncMsg(channelId, w => GoJson.Slice(w, "membership_changes", memberships, (ww, m) => m.Write(ww))), _ =>
            {
                lock (_gate)
                {
                    scr.LastMembersSyncAt = memberships.Max(m => m.ChangeTime);
                }
            }) is false)
        {
            return;
        }

        // sendAttachmentSyncData: each file in turn, before the posts; a failure is only logged.
        foreach ((PeerFile file, PeerPost post) in attachments)
        {
            await SendAttachmentForRemoteAsync(file, post, rc);
        }

        if (posts.Count > 0)
        {
            if (await SendSyncMsgAsync(rc, channelId, SyncMsg(channelId, w => GoJson.Slice(w, "posts", posts, (ww, p) => p.Write(ww))), _ => UpdateCursor(scr, nextCursor)) is false)
            {
                return;
            }
        }
        else
        {
            UpdateCursor(scr, nextCursor);
        }

        if (acks.Count > 0 && await SendSyncMsgAsync(rc, channelId, SyncMsg(channelId, w => GoJson.Slice(w, "acknowledgements", acks, (ww, a) => a.Write(ww))), _ => { }) is false)
        {
            return;
        }

        if (reactions.Count > 0 && await SendSyncMsgAsync(rc, channelId, SyncMsg(channelId, w => GoJson.Slice(w, "reactions", reactions, (ww, r) => r.Write(ww))), _ => { }) is false)
        {
            return;
        }

        if (statuses.Count > 0 && await SendSyncMsgAsync(rc, channelId, SyncMsg(channelId, w => GoJson.Slice(w, "statuses", statuses, (ww, s) => s.Write(ww))), _ => { }) is false)
        {
            return;
        }

        // sendProfileImageSyncData → syncProfileImage, after every sync message of the task: on HTTP 200 the user's
        // LastSyncAt for (channel, remote) moves to now (UpdateUserLastSyncAt); a failure is only logged.
        foreach (PeerUser user in profileImages)
        {
            if (await SendProfileImageToRemoteAsync(rc, user.Id, Read(_ => user.ProfileImage ?? DefaultProfileImage)) == 200)
            {
                lock (_gate)
                {
                    SharedChannelUsers[(user.Id, channelId, rc.RemoteId)] = NowMillis();
                }
            }
        }
    }

    /// <summary>
    /// The image app GetProfileImage returns for a user who never set one (Mattermost draws a default avatar): here a
    /// fixed 1×1 PNG.
    /// </summary>
    public static byte[] DefaultProfileImage { get; } = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>
    /// attachment.go sendAttachmentForRemote + remotecluster/sendfile.go sendFileToRemote. The UploadSession is built
    /// with a new id, type attachment, the post's user and channel, the file's name and size, the remote's id and
    /// req_file_id = the file id (create_at, file_offset 0: the sender never sets them) and sent as sharedchannel_upload,
    /// waiting for the reply: it must be OK and its payload decodes as the saved session. Then the whole file is POSTed
    /// as the raw body (Go sends a file reader: chunked, no Content-Type) to /upload/{that session's id} with the two
    /// headers; only HTTP 200 with a FileInfo body is success, and then a SharedChannelAttachment row is saved
    /// (saveSharedAttachment) so the file is not sent again. Returns the upload's HTTP status, or 0 when it never got there.
    /// </summary>
    private async Task<int> SendAttachmentForRemoteAsync(PeerFile file, PeerPost post, PeerRemoteCluster rc)
    {
        var announce = new PeerUploadSession
        {
            Id = MattermostIds.NewId(),
            UserId = post.UserId,
            ChannelId = post.ChannelId,
            Filename = file.Name,
            FileSize = file.Content.Length,
            RemoteId = rc.RemoteId,
            ReqFileId = file.Id,
        };
        RemoteResponse created = await SendMsgAsync(rc, TopicUploadCreate, GoJson.ToBytes(announce.Write));
        if (!created.IsSuccess || created.Payload is null)
        {
            return 0;
        }

        string uploadId;
        using (JsonDocument saved = JsonDocument.Parse(created.Payload))
        {
            uploadId = GoJson.GetString(saved.RootElement, "id");
        }

        string path = $"api/v4/remotecluster/upload/{uploadId}";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(rc.SiteUrl), path)) { Content = new UnknownLengthContent(file.Content) };
        request.Headers.Add(HeaderRemoteId, rc.RemoteId);
        request.Headers.Add(HeaderRemoteToken, rc.RemoteToken);
        using HttpResponseMessage response = await _http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        int status = (int)response.StatusCode;
        lock (_gate)
        {
            Outbound.Add(new PeerExchange(path, "upload", status, body));
        }

        if (status != 200)
        {
            return status;
        }

        try
        {
            using JsonDocument info = JsonDocument.Parse(body);
            string fileId = GoJson.GetString(info.RootElement, "id");
            lock (_gate)
            {
                SharedChannelAttachments[(fileId, rc.RemoteId)] = NowMillis();
            }
        }
        catch (JsonException)
        {
            // "invalid file info response after send file": logged, no attachment row.
        }

        return status;
    }

    /// <summary>A body whose length is not known up front, as Go's http.Client sends an os.File reader: chunked.</summary>
    private sealed class UnknownLengthContent(byte[] content) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(content).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private void UpdateCursor(PeerSharedChannelRemote scr, long cursor)
    {
        lock (_gate)
        {
            scr.LastPostUpdateAt = Math.Max(scr.LastPostUpdateAt, cursor);
        }
    }

    private void MarkUsersSynced(JsonElement syncResponse, string channelId, PeerRemoteCluster rc)
    {
        lock (_gate)
        {
            foreach (JsonElement id in GoJson.GetArray(syncResponse, "users_syncd"))
            {
                SharedChannelUsers[(id.GetString()!, channelId, rc.RemoteId)] = NowMillis();
            }
        }
    }

    /// <summary>model.SyncMsg: id and channel_id always, every other part omitempty.</summary>
    private static byte[] SyncMsg(string channelId, Action<Utf8JsonWriter> writeParts) => GoJson.ToBytes(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", MattermostIds.NewId());
        w.WriteString("channel_id", channelId);
        writeParts(w);
        w.WriteEndObject();
    });

    /// <summary>
    /// sendSyncMsgToRemote: the callback runs only after an HTTP success with a non-empty payload; a FAIL whose err
    /// contains "channel is no longer shared" makes the sender post a system message and uninvite the remote
    /// (handleChannelNotSharedError). Returns false when the remote dropped the channel or the send failed.
    /// </summary>
    private async Task<bool> SendSyncMsgAsync(PeerRemoteCluster rc, string channelId, byte[] msg, Action<JsonElement> onResult, string topic = TopicSync)
    {
        RemoteResponse response = await SendMsgAsync(rc, topic, msg);
        if (response.TransportError)
        {
            return false;
        }

        if (!response.IsSuccess && response.Err.Contains(ErrChannelNotShared, StringComparison.Ordinal))
        {
            lock (_gate)
            {
                SystemMessages.Add("This channel is no longer shared.");
                if (FindRemoteRow(channelId, rc.RemoteId) is { } row)
                {
                    row.DeleteAt = NowMillis();
                }
            }

            return false;
        }

        if (response.Payload is null)
        {
            return true;
        }

        using JsonDocument payload = JsonDocument.Parse(response.Payload);
        onResult(payload.RootElement);
        return true;
    }

    /// <summary>
    /// syncAllUsers (topic sharedchannel_global_user_sync): local, active users updated after the remote's
    /// LastGlobalUserSyncAt, oldest first, in batches of ≤ 25 as a SyncMsg with channel_id "" and users only; the
    /// cursor moves to the batch's highest update_at on a reply with a payload.
    /// </summary>
    public async Task SyncGlobalUsersAsync(string remoteId)
    {
        PeerRemoteCluster rc = Read(p => p.RemoteClusters[remoteId]);
        List<PeerUser[]> batches = Read(p => p.Users.Values
            .Where(u => !u.IsRemote && u.DeleteAt == 0 && (rc.LastGlobalUserSyncAt == 0 || Math.Max(u.UpdateAt, u.LastPictureUpdate) > rc.LastGlobalUserSyncAt))
            .OrderBy(u => u.UpdateAt)
            .Chunk(MaxUsersPerSync)
            .ToList());
        foreach (PeerUser[] batch in batches)
        {
            byte[] msg = SyncMsg(string.Empty, w =>
            {
                w.WriteStartObject("users");
                foreach (PeerUser user in batch)
                {
                    w.WritePropertyName(user.Id);
                    user.WriteSanitized(w);
                }

                w.WriteEndObject();
            });
            await SendSyncMsgAsync(rc, string.Empty, msg, _ =>
            {
                lock (_gate)
                {
                    rc.LastGlobalUserSyncAt = batch.Max(u => Math.Max(u.UpdateAt, u.LastPictureUpdate));
                }
            }, TopicGlobalUserSync);
        }
    }

    /// <summary>Sends an image for any user id straight away (sendProfileImageToRemote), outside a sync task: for tests of refusals.</summary>
    public Task<int> SendProfileImageAsync(string remoteId, string userId, byte[] png) => SendProfileImageToRemoteAsync(Read(p => p.RemoteClusters[remoteId]), userId, png);

    /// <summary>
    /// remotecluster/sendprofileImage.go sendProfileImageToRemote: multipart form (CreateFormFile: field <c>image</c>,
    /// file name profile.png, part type application/octet-stream), the two headers; success is HTTP 200, the body ignored.
    /// </summary>
    private async Task<int> SendProfileImageToRemoteAsync(PeerRemoteCluster rc, string userId, byte[] png)
    {
        using var content = new MultipartFormDataContent();
        var image = new ByteArrayContent(png);
        image.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        content.Add(image, "image", "profile.png");
        string path = $"api/v4/remotecluster/{userId}/image";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(rc.SiteUrl), path)) { Content = content };
        request.Headers.Add(HeaderRemoteId, rc.RemoteId);
        request.Headers.Add(HeaderRemoteToken, rc.RemoteToken);
        using HttpResponseMessage response = await _http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        lock (_gate)
        {
            Outbound.Add(new PeerExchange(path, "image", (int)response.StatusCode, body));
        }

        return (int)response.StatusCode;
    }

    /// <summary>The raw text of a message body, for tests that check exact JSON.</summary>
    public static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);
}
