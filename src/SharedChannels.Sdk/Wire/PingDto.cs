using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>Ping payload <c>{"sent_at":ms}</c> and its bare reply <c>{"sent_at":ms,"recv_at":ms}</c>.</summary>
internal sealed class PingDto
{
    [JsonPropertyName("sent_at")]
    public long SentAt { get; set; }

    [JsonPropertyName("recv_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long RecvAt { get; set; }
}
