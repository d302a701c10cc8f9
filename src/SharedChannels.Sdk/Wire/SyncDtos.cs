using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>Payload of topic <c>sharedchannel_sync</c>. Empty parts are omitted, as Mattermost does.</summary>
internal sealed class SyncMsgDto
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("channel_id")]
    public string? ChannelId { get; set; }

    [JsonPropertyName("users")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, UserDto>? Users { get; set; }

    [JsonPropertyName("posts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<PostDto>? Posts { get; set; }

    [JsonPropertyName("reactions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ReactionDto>? Reactions { get; set; }

    [JsonPropertyName("statuses")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<StatusDto>? Statuses { get; set; }

    [JsonPropertyName("membership_changes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<MembershipChangeDto>? MembershipChanges { get; set; }

    [JsonPropertyName("acknowledgements")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<AcknowledgementDto>? Acknowledgements { get; set; }

    [JsonPropertyName("mention_transforms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? MentionTransforms { get; set; }
}

internal sealed class PostDto
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("create_at")] public long CreateAt { get; set; }
    [JsonPropertyName("update_at")] public long UpdateAt { get; set; }
    [JsonPropertyName("edit_at")] public long EditAt { get; set; }
    [JsonPropertyName("delete_at")] public long DeleteAt { get; set; }
    [JsonPropertyName("is_pinned")] public bool IsPinned { get; set; }
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
    [JsonPropertyName("root_id")] public string? RootId { get; set; }
    [JsonPropertyName("original_id")] public string? OriginalId { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("props")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Props { get; set; }

    [JsonPropertyName("hashtags")] public string? Hashtags { get; set; }

    [JsonPropertyName("file_ids")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? FileIds { get; set; }

    [JsonPropertyName("remote_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteId { get; set; }
}

internal sealed class ReactionDto
{
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("post_id")] public string? PostId { get; set; }
    [JsonPropertyName("emoji_name")] public string? EmojiName { get; set; }
    [JsonPropertyName("create_at")] public long CreateAt { get; set; }
    [JsonPropertyName("update_at")] public long UpdateAt { get; set; }
    [JsonPropertyName("delete_at")] public long DeleteAt { get; set; }

    [JsonPropertyName("remote_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteId { get; set; }

    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
}

internal sealed class StatusDto
{
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("manual")] public bool Manual { get; set; }
    [JsonPropertyName("last_activity_at")] public long LastActivityAt { get; set; }

    /// <summary>Seconds, not milliseconds (the one exception on the wire).</summary>
    [JsonPropertyName("dnd_end_time")] public long DndEndTime { get; set; }
}

internal sealed class MembershipChangeDto
{
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("is_add")] public bool IsAdd { get; set; }

    [JsonPropertyName("remote_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteId { get; set; }

    [JsonPropertyName("change_time")] public long ChangeTime { get; set; }
}

internal sealed class AcknowledgementDto
{
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("post_id")] public string? PostId { get; set; }
    [JsonPropertyName("acknowledged_at")] public long AcknowledgedAt { get; set; }
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }

    [JsonPropertyName("remote_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteId { get; set; }
}

/// <summary>The parts of Mattermost's user object the protocol needs; secrets are never sent.</summary>
internal sealed class UserDto
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("create_at")] public long CreateAt { get; set; }
    [JsonPropertyName("update_at")] public long UpdateAt { get; set; }
    [JsonPropertyName("delete_at")] public long DeleteAt { get; set; }
    [JsonPropertyName("username")] public string? Username { get; set; }
    [JsonPropertyName("email")] public string? Email { get; set; }
    [JsonPropertyName("nickname")] public string? Nickname { get; set; }
    [JsonPropertyName("first_name")] public string? FirstName { get; set; }
    [JsonPropertyName("last_name")] public string? LastName { get; set; }
    [JsonPropertyName("position")] public string? Position { get; set; }
    [JsonPropertyName("roles")] public string? Roles { get; set; }
    [JsonPropertyName("is_bot")] public bool IsBot { get; set; }

    [JsonPropertyName("remote_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteId { get; set; }

    [JsonPropertyName("props")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Props { get; set; }
}

/// <summary>
/// The payload of an OK reply to a sync message. Mattermost's <c>SyncResponse</c> has no <c>omitempty</c> on its lists
/// and leaves the ones it does not use nil, so they arrive as <c>null</c> (e.g. <c>"status_errors":null</c> in every OK
/// reply): each list reads a JSON <c>null</c> as empty.
/// </summary>
internal sealed class SyncResponseDto
{
    [JsonPropertyName("users_last_update_at")] public long UsersLastUpdateAt { get; set; }
    [JsonPropertyName("user_errors")] public List<string> UserErrors { get; set => field = value ?? []; } = [];
    [JsonPropertyName("users_syncd")] public List<string> UsersSyncd { get; set => field = value ?? []; } = [];
    [JsonPropertyName("posts_last_update_at")] public long PostsLastUpdateAt { get; set; }
    [JsonPropertyName("post_errors")] public List<string> PostErrors { get; set => field = value ?? []; } = [];
    [JsonPropertyName("reactions_last_update_at")] public long ReactionsLastUpdateAt { get; set; }
    [JsonPropertyName("reaction_errors")] public List<string> ReactionErrors { get; set => field = value ?? []; } = [];
    [JsonPropertyName("acknowledgements_last_update_at")] public long AcknowledgementsLastUpdateAt { get; set; }
    [JsonPropertyName("acknowledgement_errors")] public List<string> AcknowledgementErrors { get; set => field = value ?? []; } = [];
    [JsonPropertyName("status_errors")] public List<string> StatusErrors { get; set => field = value ?? []; } = [];

    /// <summary>SDK extension: why each item was refused. Mattermost ignores it.</summary>
    [JsonPropertyName("sdk_item_errors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ItemErrorDto>? ItemErrors { get; set; }
}

/// <summary>SDK extension: one refused item and the reason.</summary>
internal sealed class ItemErrorDto
{
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; set; }
}

/// <summary>Payload of topic <c>sharedchannel_invite</c>.</summary>
internal sealed class ChannelInviteDto
{
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
    [JsonPropertyName("team_id")] public string? TeamId { get; set; }
    [JsonPropertyName("read_only")] public bool ReadOnly { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; set; }
    [JsonPropertyName("header")] public string? Header { get; set; }
    [JsonPropertyName("purpose")] public string? Purpose { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("creator_id")] public string? CreatorId { get; set; }

    [JsonPropertyName("direct_participant_ids")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? DirectParticipantIds { get; set; }

    [JsonPropertyName("direct_participants")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<UserDto>? DirectParticipants { get; set; }
}

/// <summary>Payload of topic <c>sharedchannel_unshare</c>.</summary>
internal sealed class ChannelUnshareDto
{
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
    [JsonPropertyName("remote_id")] public string? RemoteId { get; set; }
}
