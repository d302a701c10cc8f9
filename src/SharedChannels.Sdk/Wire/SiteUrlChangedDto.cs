using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>
/// SDK extension (topic <c>sdk_site_url_changed</c>): tells an SDK peer the site URL this side answers at now.
/// Sent only where both sides agreed on signed frames; Mattermost never sees it.
/// </summary>
internal sealed class SiteUrlChangedDto
{
    [JsonPropertyName("remote_id")]
    public string? RemoteId { get; set; }

    [JsonPropertyName("site_url")]
    public string? SiteUrl { get; set; }
}
