using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>The envelope of every remote-cluster request: <c>{"remote_id":…,"msg":{…}}</c>.</summary>
internal sealed class FrameDto
{
    [JsonPropertyName("remote_id")]
    public string? RemoteId { get; set; }

    [JsonPropertyName("msg")]
    public MessageDto? Msg { get; set; }
}

/// <summary>The message inside a frame: <c>{"id","topic","create_at","payload"}</c>.</summary>
internal sealed class MessageDto
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("topic")]
    public string? Topic { get; set; }

    [JsonPropertyName("create_at")]
    public long CreateAt { get; set; }

    [JsonPropertyName("payload")]
    public JsonElement Payload { get; set; }
}
