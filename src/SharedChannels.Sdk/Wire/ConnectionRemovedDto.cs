using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>
/// SDK extension (topic <c>sdk_connection_removed</c>): tells an SDK peer that this side deleted the
/// connection. Mattermost has no such topic and ignores it.
/// </summary>
internal sealed class ConnectionRemovedDto
{
    [JsonPropertyName("remote_id")]
    public string? RemoteId { get; set; }
}
