using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>
/// Mattermost's <c>UploadSession</c> (server/public/model/upload_session.go): the payload of topic
/// <c>sharedchannel_upload</c>, which announces a file before its bytes go to <c>/upload/{id}</c>, and the payload of
/// the OK reply, which is the session as the receiver stored it (Mattermost's sender takes the upload id from it).
/// </summary>
internal sealed class UploadSessionDto
{
    /// <summary>The type Mattermost gives shared-channel uploads; the only one a receiver accepts.</summary>
    public const string AttachmentType = "attachment";

    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("create_at")] public long CreateAt { get; set; }
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
    [JsonPropertyName("filename")] public string? Filename { get; set; }
    [JsonPropertyName("file_size")] public long FileSize { get; set; }

    /// <summary>How many bytes the receiver holds already; where an interrupted upload resumes.</summary>
    [JsonPropertyName("file_offset")] public long FileOffset { get; set; }

    [JsonPropertyName("remote_id")] public string? RemoteId { get; set; }
    [JsonPropertyName("req_file_id")] public string? FileId { get; set; }

    /// <summary>SDK extension (Mattermost has no such field and derives the type from the name).</summary>
    [JsonPropertyName("mime_type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MimeType { get; set; }

    /// <summary>SDK extension, in replies only: the receiver already has the file; the bytes need not be sent.</summary>
    [JsonPropertyName("sdk_file_exists")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FileExists { get; set; }
}

/// <summary>
/// The part of Mattermost's <c>FileInfo</c> (server/public/model/file_info.go) that answers a completed upload:
/// its sender reads <c>id</c> to record the file as synchronized.
/// </summary>
internal sealed class FileInfoDto
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    /// <summary>Mattermost's <c>CreatorId</c>, whose JSON name is <c>user_id</c>.</summary>
    [JsonPropertyName("user_id")] public string? CreatorId { get; set; }
    [JsonPropertyName("post_id")] public string PostId { get; set; } = string.Empty;
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
    [JsonPropertyName("create_at")] public long CreateAt { get; set; }
    [JsonPropertyName("update_at")] public long UpdateAt { get; set; }
    [JsonPropertyName("delete_at")] public long DeleteAt { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("extension")] public string Extension { get; set; } = string.Empty;
    [JsonPropertyName("size")] public long Size { get; set; }
    [JsonPropertyName("mime_type")] public string? MimeType { get; set; }
    [JsonPropertyName("remote_id")] public string? RemoteId { get; set; }
}
