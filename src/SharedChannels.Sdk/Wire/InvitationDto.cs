using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>
/// The invitation plaintext and the confirm payload (topic <c>invitation</c>). Property order is the wire
/// order: <c>remote_id, remote_team_id, site_url, token, refreshed_token, version</c>.
/// </summary>
internal sealed class InvitationDto
{
    [JsonPropertyName("remote_id"), JsonPropertyOrder(0)]
    public string? RemoteId { get; set; }

    // Deprecated by Mattermost but always present on the wire, usually "".
    [JsonPropertyName("remote_team_id"), JsonPropertyOrder(1)]
    public string? RemoteTeamId { get; set; }

    [JsonPropertyName("site_url"), JsonPropertyOrder(2)]
    public string? SiteUrl { get; set; }

    [JsonPropertyName("token"), JsonPropertyOrder(3)]
    public string? Token { get; set; }

    [JsonPropertyName("refreshed_token"), JsonPropertyOrder(4)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? RefreshedToken { get; set; }

    [JsonPropertyName("version"), JsonPropertyOrder(5)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Version { get; set; }

    /// <summary>
    /// SDK extension sent in a confirm payload: the features this side supports (e.g. <c>"signed-frames"</c>).
    /// Mattermost ignores unknown fields and never sends it.
    /// </summary>
    [JsonPropertyName("sdk_features"), JsonPropertyOrder(6)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? SdkFeatures { get; set; }
}
