using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>Payload of topic <c>sharedchannel_upload</c>: announces a file before its bytes go to <c>/upload/{id}</c>.</summary>
internal sealed class UploadSessionDto
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("create_at")] public long CreateAt { get; set; }
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("channel_id")] public string? ChannelId { get; set; }
    [JsonPropertyName("filename")] public string? Filename { get; set; }
    [JsonPropertyName("file_size")] public long FileSize { get; set; }
    [JsonPropertyName("remote_id")] public string? RemoteId { get; set; }
    [JsonPropertyName("req_file_id")] public string? FileId { get; set; }

    [JsonPropertyName("mime_type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MimeType { get; set; }
}

/// <summary>The payload of an OK reply to an upload announcement.</summary>
internal sealed class UploadSessionReplyDto
{
    /// <summary>SDK extension: the receiver already has the file; the bytes need not be sent.</summary>
    [JsonPropertyName("sdk_file_exists")] public bool FileExists { get; set; }
}
