using System.Text.Json;

namespace SharedChannels.Integration.Tests.Mattermost;

// The peer's rows, shaped as Mattermost's structs and written as Go's encoding/json writes them (tags from
// public/model/*.go, see each Write method). Mutable: the peer's "store", guarded by MattermostPeer's lock.

/// <summary>model.RemoteCluster (public/model/remote_cluster.go); only the columns the protocol touches.</summary>
internal sealed class PeerRemoteCluster
{
    /// <summary>Mattermost's prefix for a site URL not yet confirmed (<c>SiteURLPending</c>).</summary>
    public const string SiteUrlPending = "pending_";

    public required string RemoteId { get; init; }

    public required string Name { get; init; }

    public string SiteUrl { get; set; } = SiteUrlPending;

    /// <summary>The token the other side must present to this peer.</summary>
    public required string Token { get; set; }

    /// <summary>The token this peer presents to the other side.</summary>
    public string RemoteToken { get; set; } = string.Empty;

    public long CreateAt { get; init; }

    public long LastPingAt { get; set; }

    public long LastGlobalUserSyncAt { get; set; }

    public string CreatorId { get; init; } = string.Empty;

    public bool IsConfirmed => SiteUrl.Length > 0 && !SiteUrl.StartsWith(SiteUrlPending, StringComparison.Ordinal);
}

/// <summary>model.Channel, the fields a shared channel uses.</summary>
internal sealed record PeerChannel(string Id, string TeamId, string Name, string DisplayName, string Header, string Purpose, string Type, string CreatorId)
{
    public bool ReadOnly { get; set; }
}

/// <summary>model.SharedChannel.</summary>
internal sealed record PeerSharedChannel(string ChannelId, bool Home, bool ReadOnly, string CreatorId, string? RemoteId);

/// <summary>model.SharedChannelRemote: one per channel and remote; its cursors are the sender's.</summary>
internal sealed class PeerSharedChannelRemote
{
    public required string Id { get; init; }

    public required string ChannelId { get; init; }

    public required string RemoteId { get; init; }

    public string CreatorId { get; init; } = string.Empty;

    public bool IsInviteAccepted { get; set; }

    public bool IsInviteConfirmed { get; set; }

    public long DeleteAt { get; set; }

    public long LastPostUpdateAt { get; set; }

    public long LastPostCreateAt { get; set; }

    public long LastMembersSyncAt { get; set; }
}

/// <summary>model.User (public/model/user.go): the fields a sync carries.</summary>
internal sealed class PeerUser
{
    public required string Id { get; init; }

    public required string Username { get; set; }

    public string Email { get; set; } = string.Empty;

    public string Nickname { get; set; } = string.Empty;

    public string FirstName { get; set; } = string.Empty;

    public string LastName { get; set; } = string.Empty;

    public string Position { get; set; } = string.Empty;

    public string Locale { get; set; } = "en";

    public string? RemoteId { get; set; }

    public long CreateAt { get; init; }

    public long UpdateAt { get; set; }

    public long DeleteAt { get; set; }

    public long LastPictureUpdate { get; set; }

    public Dictionary<string, string> Props { get; } = new(StringComparer.Ordinal);

    public byte[]? ProfileImage { get; set; }

    public bool IsRemote => !string.IsNullOrEmpty(RemoteId);

    /// <summary>
    /// Writes the user as sharedchannel/util.go <c>sanitizeUserForSync</c> leaves it before sending: a random password,
    /// no auth data, roles <c>system_user</c>, empty notify props (omitted), last picture update 0 (omitted), no MFA.
    /// Tags from public/model/user.go: omitempty on create_at, update_at, password, auth_data, props, remote_id, ….
    /// </summary>
    public void WriteSanitized(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        GoJson.String(w, "id", Id);
        GoJson.Int64(w, "create_at", CreateAt, omitEmpty: true);
        GoJson.Int64(w, "update_at", UpdateAt, omitEmpty: true);
        GoJson.Int64(w, "delete_at", DeleteAt);
        GoJson.String(w, "username", Username);
        GoJson.String(w, "password", MattermostIds.NewId(), omitEmpty: true);
        GoJson.String(w, "auth_service", string.Empty);
        GoJson.String(w, "email", Email);
        GoJson.String(w, "nickname", Nickname);
        GoJson.String(w, "first_name", FirstName);
        GoJson.String(w, "last_name", LastName);
        GoJson.String(w, "position", Position);
        GoJson.String(w, "roles", "system_user");
        GoJson.StringMap(w, "props", Props, omitEmpty: true);
        GoJson.String(w, "locale", Locale);
        GoJson.StringMap(w, "timezone", null);
        GoJson.StringPointer(w, "remote_id", RemoteId, omitEmpty: true);
        GoJson.Bool(w, "disable_welcome_email", false);
        w.WriteEndObject();
    }
}

/// <summary>model.Post (public/model/post.go).</summary>
internal sealed class PeerPost
{
    public required string Id { get; init; }

    public required string ChannelId { get; init; }

    public required string UserId { get; init; }

    public string RootId { get; init; } = string.Empty;

    public string OriginalId { get; init; } = string.Empty;

    public required string Message { get; set; }

    public string Type { get; init; } = string.Empty;

    public long CreateAt { get; init; }

    public long UpdateAt { get; set; }

    public long EditAt { get; set; }

    public long DeleteAt { get; set; }

    public bool IsPinned { get; set; }

    public IReadOnlyList<string>? FileIds { get; set; }

    public string? RemoteId { get; set; }

    /// <summary>Tags: props, hashtags, file_ids, pending_post_id, reply_count, participants without omitempty; remote_id, metadata with.</summary>
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        GoJson.String(w, "id", Id);
        GoJson.Int64(w, "create_at", CreateAt);
        GoJson.Int64(w, "update_at", UpdateAt);
        GoJson.Int64(w, "edit_at", EditAt);
        GoJson.Int64(w, "delete_at", DeleteAt);
        GoJson.Bool(w, "is_pinned", IsPinned);
        GoJson.String(w, "user_id", UserId);
        GoJson.String(w, "channel_id", ChannelId);
        GoJson.String(w, "root_id", RootId);
        GoJson.String(w, "original_id", OriginalId);
        GoJson.String(w, "message", Message);
        GoJson.String(w, "type", Type);
        GoJson.StringMap(w, "props", null);
        GoJson.String(w, "hashtags", string.Empty);
        GoJson.StringSlice(w, "file_ids", FileIds);
        GoJson.String(w, "pending_post_id", string.Empty);
        GoJson.StringPointer(w, "remote_id", RemoteId, omitEmpty: true);
        GoJson.Int64(w, "reply_count", 0);
        GoJson.Int64(w, "last_reply_at", 0);
        w.WriteNull("participants");
        w.WriteEndObject();
    }
}

/// <summary>model.Reaction (public/model/reaction.go): no field has omitempty; remote_id is a pointer, so may be null.</summary>
internal sealed class PeerReaction
{
    public required string UserId { get; init; }

    public required string PostId { get; init; }

    public required string EmojiName { get; init; }

    public required string ChannelId { get; init; }

    public long CreateAt { get; set; }

    public long UpdateAt { get; set; }

    public long DeleteAt { get; set; }

    public string? RemoteId { get; set; }

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        GoJson.String(w, "user_id", UserId);
        GoJson.String(w, "post_id", PostId);
        GoJson.String(w, "emoji_name", EmojiName);
        GoJson.Int64(w, "create_at", CreateAt);
        GoJson.Int64(w, "update_at", UpdateAt);
        GoJson.Int64(w, "delete_at", DeleteAt);
        GoJson.StringPointer(w, "remote_id", RemoteId);
        GoJson.String(w, "channel_id", ChannelId);
        w.WriteEndObject();
    }
}

/// <summary>model.PostAcknowledgement (public/model/post_acknowledgement.go): remote_id is a pointer with omitempty.</summary>
internal sealed class PeerAcknowledgement
{
    public required string UserId { get; init; }

    public required string PostId { get; init; }

    public required string ChannelId { get; init; }

    public long AcknowledgedAt { get; set; }

    public string? RemoteId { get; set; }

    /// <summary>The peer's own change time, for its send cursor (Mattermost keys this on acknowledged_at).</summary>
    public long ChangedAt { get; set; }

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        GoJson.String(w, "user_id", UserId);
        GoJson.String(w, "post_id", PostId);
        GoJson.Int64(w, "acknowledged_at", AcknowledgedAt);
        GoJson.StringPointer(w, "remote_id", RemoteId, omitEmpty: true);
        GoJson.String(w, "channel_id", ChannelId);
        w.WriteEndObject();
    }
}

/// <summary>model.Status (public/model/status.go): dnd_end_time in seconds; active_channel omitempty.</summary>
internal sealed record PeerStatus(string UserId, string Status, bool Manual, long LastActivityAt, long DndEndTime)
{
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        GoJson.String(w, "user_id", UserId);
        GoJson.String(w, "status", Status);
        GoJson.Bool(w, "manual", Manual);
        GoJson.Int64(w, "last_activity_at", LastActivityAt);
        GoJson.Int64(w, "dnd_end_time", DndEndTime);
        w.WriteEndObject();
    }
}

/// <summary>model.MembershipChangeMsg (public/model/shared_channel.go): no omitempty.</summary>
internal sealed record PeerMembershipChange(string ChannelId, string UserId, bool IsAdd, string RemoteId, long ChangeTime)
{
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        GoJson.String(w, "channel_id", ChannelId);
        GoJson.String(w, "user_id", UserId);
        GoJson.Bool(w, "is_add", IsAdd);
        GoJson.String(w, "remote_id", RemoteId);
        GoJson.Int64(w, "change_time", ChangeTime);
        w.WriteEndObject();
    }
}

/// <summary>model.UploadSession (public/model/upload_session.go): channel_id omitempty, the path not serialized.</summary>
internal sealed class PeerUploadSession
{
    public required string Id { get; init; }

    public string Type { get; init; } = "attachment";

    public long CreateAt { get; init; }

    public required string UserId { get; init; }

    public string ChannelId { get; init; } = string.Empty;

    public required string Filename { get; init; }

    public long FileSize { get; init; }

    public long FileOffset { get; set; }

    public string RemoteId { get; set; } = string.Empty;

    public string ReqFileId { get; init; } = string.Empty;

    public MemoryStream Data { get; } = new();

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        GoJson.String(w, "id", Id);
        GoJson.String(w, "type", Type);
        GoJson.Int64(w, "create_at", CreateAt);
        GoJson.String(w, "user_id", UserId);
        GoJson.String(w, "channel_id", ChannelId, omitEmpty: true);
        GoJson.String(w, "filename", Filename);
        GoJson.Int64(w, "file_size", FileSize);
        GoJson.Int64(w, "file_offset", FileOffset);
        GoJson.String(w, "remote_id", RemoteId);
        GoJson.String(w, "req_file_id", ReqFileId);
        w.WriteEndObject();
    }
}

/// <summary>
/// A file the peer has (model.FileInfo): one stored through the upload endpoint (remote_id = the sender) or one of its
/// own users uploaded (remote_id nil). <see cref="PostId"/> is set when a post attaches it (FileInfoStore.AttachToPost).
/// </summary>
internal sealed record PeerFile(string Id, string UserId, string ChannelId, string Name, byte[] Content, string? RemoteId, long CreateAt)
{
    public string PostId { get; set; } = string.Empty;

    public long UpdateAt { get; set; } = CreateAt;

    public long DeleteAt { get; set; }

    /// <summary>Tags from public/model/file_info.go: mini_preview and remote_id pointers without omitempty; post_id, width, height omitempty.</summary>
    public void Write(Utf8JsonWriter w)
    {
        string extension = Path.GetExtension(Name).TrimStart('.');
        w.WriteStartObject();
        GoJson.String(w, "id", Id);
        GoJson.String(w, "user_id", UserId);
        GoJson.String(w, "channel_id", ChannelId);
        GoJson.Int64(w, "create_at", CreateAt);
        GoJson.Int64(w, "update_at", UpdateAt);
        GoJson.Int64(w, "delete_at", DeleteAt);
        GoJson.String(w, "post_id", PostId, omitEmpty: true);
        GoJson.String(w, "name", Name);
        GoJson.String(w, "extension", extension);
        GoJson.Int64(w, "size", Content.Length);
        GoJson.String(w, "mime_type", "application/octet-stream");
        w.WriteNull("mini_preview");
        GoJson.StringPointer(w, "remote_id", RemoteId);
        GoJson.Bool(w, "archived", false);
        w.WriteEndObject();
    }
}

/// <summary>One item the peer accepted from a sync message, to check nothing accepted is sent again.</summary>
/// <param name="Kind">user, post, reaction, acknowledgement, status or membership.</param>
/// <param name="Key">The item and its version as received (e.g. post id, update_at, delete_at).</param>
internal sealed record PeerReceipt(string Kind, string Key);

/// <summary>One request the peer sent, and what came back.</summary>
internal sealed record PeerExchange(string Path, string Topic, int StatusCode, string Body);

/// <summary>One request the peer answered on its remote-cluster endpoints.</summary>
internal sealed record PeerInbound(string Path, string Topic, int StatusCode, string Reply);
