using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SharedChannels.Wire;

/// <summary>Builds and reads the frames and replies of the remote-cluster protocol.</summary>
internal static class WireFormat
{
    private static readonly JsonEncodedText RemoteIdName = JsonEncodedText.Encode("remote_id");
    private static readonly JsonEncodedText MsgName = JsonEncodedText.Encode("msg");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText TopicName = JsonEncodedText.Encode("topic");
    private static readonly JsonEncodedText CreateAtName = JsonEncodedText.Encode("create_at");
    private static readonly JsonEncodedText PayloadName = JsonEncodedText.Encode("payload");
    private static readonly byte[] OkReply = JsonSerializer.SerializeToUtf8Bytes(new ReplyDto { Status = ReplyDto.StatusOk }, WireJsonContext.Default.ReplyDto);

    /// <summary>Serializes a frame <c>{"remote_id":…,"msg":{"id","topic","create_at","payload"}}</c>.</summary>
    /// <remarks>The same bytes as serializing a <see cref="FrameDto"/>, with the payload written in place rather than through a <see cref="JsonElement"/>.</remarks>
    public static byte[] Frame<T>(string remoteId, string topic, long createAt, T payload, JsonTypeInfo<T> payloadType, string? messageId = null)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(RemoteIdName, remoteId);
            writer.WriteStartObject(MsgName);
            writer.WriteString(IdName, messageId ?? RemoteIds.NewId());
            writer.WriteString(TopicName, topic);
            writer.WriteNumber(CreateAtName, createAt);
            writer.WritePropertyName(PayloadName);
            JsonSerializer.Serialize(writer, payload, payloadType);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a frame; throws <see cref="JsonException"/> for malformed JSON.</summary>
    public static FrameDto? ReadFrame(ReadOnlySpan<byte> body) => JsonSerializer.Deserialize(body, WireJsonContext.Default.FrameDto);

    /// <summary>The reply <c>{"status":"OK"}</c>, optionally with a payload.</summary>
    public static ReadOnlyMemory<byte> Ok(JsonElement payload = default) =>
        payload.ValueKind == JsonValueKind.Undefined
            ? OkReply
            : JsonSerializer.SerializeToUtf8Bytes(new ReplyDto { Status = ReplyDto.StatusOk, Payload = payload }, WireJsonContext.Default.ReplyDto);

    /// <summary>The reply <c>{"status":"FAIL","err":…}</c>.</summary>
    public static byte[] Fail(string error) =>
        JsonSerializer.SerializeToUtf8Bytes(new ReplyDto { Status = ReplyDto.StatusFail, Err = error }, WireJsonContext.Default.ReplyDto);

    /// <summary>Reads a reply; returns <see langword="null"/> when the body is not a reply object.</summary>
    public static ReplyDto? TryReadReply(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, WireJsonContext.Default.ReplyDto);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a JSON object payload; <see langword="null"/> when it is not an object or does not fit the type.</summary>
    public static T? TryReadObject<T>(JsonElement payload, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return payload.ValueKind == JsonValueKind.Object ? payload.Deserialize(type) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Keeps a peer-supplied error text printable and short before it reaches a message or a log.</summary>
    public static string SanitizePeerError(string? error)
    {
        if (string.IsNullOrWhiteSpace(error))
        {
            return "no reason given";
        }

        const int MaxLength = 200;
        var chars = error.Where(c => !char.IsControl(c)).Take(MaxLength).ToArray();
        return chars.Length == MaxLength ? new string(chars) + "…" : new string(chars);
    }
}
