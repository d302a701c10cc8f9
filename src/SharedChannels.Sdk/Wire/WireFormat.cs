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

    /// <summary>
    /// Reads a frame's envelope in one pass over <paramref name="body"/>, leaving the payload as a slice of it, to be
    /// deserialized once into its type by whoever handles the topic (<see cref="TryReadObject{T}(ReadOnlyMemory{byte}, JsonTypeInfo{T})"/>).
    /// Accepts and refuses what deserializing a <see cref="FrameDto"/> does: the same JSON rules, case-sensitive names,
    /// the last of duplicate properties, unknown ones ignored.
    /// </summary>
    /// <param name="body">The request body; the envelope's payload refers to it.</param>
    /// <returns>The envelope, or <see langword="null"/> when the body is the JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The body is not valid JSON, or a field has the wrong type.</exception>
    public static InboundEnvelope? ReadFrame(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span);
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            End(ref reader);
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject);
        string? remoteId = null;
        bool hasMessage = false;
        string? id = null;
        string? topic = null;
        long createAt = 0;
        ReadOnlyMemory<byte> payload = default;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals(RemoteIdName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                remoteId = NullableString(ref reader);
            }
            else if (reader.ValueTextEquals(MsgName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                (hasMessage, id, topic, createAt, payload) = (false, null, null, 0, default);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                hasMessage = true;
                (id, topic, createAt, payload) = ReadMessage(ref reader, body);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        End(ref reader);
        return new InboundEnvelope(remoteId, hasMessage, id, topic, createAt, payload);
    }

    /// <summary>The reply <c>{"status":"OK"}</c>, optionally with a payload.</summary>
    public static ReadOnlyMemory<byte> Ok(JsonElement payload = default) =>
        payload.ValueKind == JsonValueKind.Undefined
            ? OkReply
            : JsonSerializer.SerializeToUtf8Bytes(new ReplyDto { Status = ReplyDto.StatusOk, Payload = payload }, WireJsonContext.Default.ReplyDto);

    /// <summary>The reply <c>{"status":"FAIL","err":…}</c>, with an error <c>id</c> when one is given.</summary>
    public static byte[] Fail(string error, string? id = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new ReplyDto { Status = ReplyDto.StatusFail, Err = error, Id = id }, WireJsonContext.Default.ReplyDto);

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

    /// <summary>Reads a JSON object payload from its bytes; <see langword="null"/> when it is not an object or does not fit the type.</summary>
    /// <remarks>The bytes come from <see cref="ReadFrame(ReadOnlyMemory{byte})"/>, which checked that they are one valid JSON value.</remarks>
    public static T? TryReadObject<T>(ReadOnlyMemory<byte> payload, JsonTypeInfo<T> type)
        where T : class
    {
        ReadOnlySpan<byte> json = payload.Span.TrimStart(" \t\r\n"u8);
        if (json.IsEmpty || json[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, type);
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

    // The msg object: {"id","topic","create_at","payload"}, in any order, unknown properties skipped.
    private static (string? Id, string? Topic, long CreateAt, ReadOnlyMemory<byte> Payload) ReadMessage(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? id = null;
        string? topic = null;
        long createAt = 0;
        ReadOnlyMemory<byte> payload = default;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals(IdName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                id = NullableString(ref reader);
            }
            else if (reader.ValueTextEquals(TopicName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                topic = NullableString(ref reader);
            }
            else if (reader.ValueTextEquals(CreateAtName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                createAt = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value)
                    ? value
                    : throw new JsonException("msg.create_at is not a whole number.");
            }
            else if (reader.ValueTextEquals(PayloadName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                int start = (int)reader.TokenStartIndex;
                bool isNull = reader.TokenType == JsonTokenType.Null;
                reader.Skip();
                payload = isNull ? default : body[start..(int)reader.BytesConsumed];
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        return (id, topic, createAt, payload);
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The frame ends early.");
        }
    }

    // After a property's value: the next property name (true) or the end of the object (false).
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"Expected {type}, found {reader.TokenType}.");
        }
    }

    private static string? NullableString(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                try
                {
                    return reader.GetString();
                }
                catch (InvalidOperationException ex)
                {
                    // Invalid UTF-8 or a lone surrogate escape: System.Text.Json's deserializer reports it as JsonException too.
                    throw new JsonException("A string of the frame is not valid text.", ex);
                }

            default:
                throw new JsonException($"Expected a string, found {reader.TokenType}.");
        }
    }

    // Nothing but white space may follow the frame.
    private static void End(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("Something follows the frame.");
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
