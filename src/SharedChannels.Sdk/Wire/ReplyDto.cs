using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>The reply to <c>/msg</c> and <c>/confirm_invite</c>: <c>{"status":"OK"|"FAIL","err":…,"payload":…}</c>.</summary>
internal sealed class ReplyDto
{
    public const string StatusOk = "OK";
    public const string StatusFail = "FAIL";

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("err")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Err { get; set; }

    [JsonPropertyName("payload")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Payload { get; set; }

    /// <summary>SDK extension: the features the answering side supports. Mattermost never sends it.</summary>
    [JsonPropertyName("sdk_features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? SdkFeatures { get; set; }

    [JsonIgnore]
    public bool IsOk => string.Equals(Status, StatusOk, StringComparison.Ordinal);
}
