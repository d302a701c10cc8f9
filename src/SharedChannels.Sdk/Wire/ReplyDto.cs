using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>The reply to <c>/msg</c> and <c>/confirm_invite</c>: <c>{"status":"OK"|"FAIL","err":…,"payload":…}</c>.</summary>
internal sealed class ReplyDto
{
    public const string StatusOk = "OK";
    public const string StatusFail = "FAIL";

    /// <summary>Mattermost's error id for a confirmation after the invitation expired (its AppError's <c>id</c>).</summary>
    public const string InvitationExpiredId = "api.context.invitation_expired.error";

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("err")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Err { get; set; }

    /// <summary>
    /// Gets or sets an error id, as Mattermost's AppError carries one (<c>{"id":…,"message":…}</c>); an SDK peer sets it
    /// only where the caller must tell one refusal from another (<see cref="InvitationExpiredId"/>).
    /// </summary>
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }

    [JsonPropertyName("payload")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Payload { get; set; }

    [JsonIgnore]
    public bool IsOk => string.Equals(Status, StatusOk, StringComparison.Ordinal);
}

/// <summary>
/// SDK extension: the payload of an OK reply to a confirmation, naming the features the inviter supports.
/// Mattermost ignores a confirm reply's payload and never sends one.
/// </summary>
internal sealed class ConfirmReplyDto
{
    [JsonPropertyName("sdk_features")]
    public string[]? SdkFeatures { get; set; }
}
