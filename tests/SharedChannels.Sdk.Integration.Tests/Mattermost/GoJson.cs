using System.Text.Json;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>
/// Writes JSON the way Go's encoding/json writes Mattermost's structs: a field without <c>omitempty</c> is always
/// written (a nil slice, map or pointer as <c>null</c>); a field with <c>omitempty</c> is left out when it is false, 0,
/// "", nil or an empty slice/map. Each peer struct calls these per field, following the Go tags it is modelled on.
/// </summary>
internal static class GoJson
{
    public static void String(Utf8JsonWriter writer, string name, string? value, bool omitEmpty = false)
    {
        if (omitEmpty && string.IsNullOrEmpty(value))
        {
            return;
        }

        writer.WriteString(name, value ?? string.Empty);
    }

    /// <summary>A Go <c>*string</c>: <c>null</c> when nil unless <c>omitempty</c>.</summary>
    public static void StringPointer(Utf8JsonWriter writer, string name, string? value, bool omitEmpty = false)
    {
        if (value is null)
        {
            if (!omitEmpty)
            {
                writer.WriteNull(name);
            }

            return;
        }

        writer.WriteString(name, value);
    }

    public static void Int64(Utf8JsonWriter writer, string name, long value, bool omitEmpty = false)
    {
        if (omitEmpty && value == 0)
        {
            return;
        }

        writer.WriteNumber(name, value);
    }

    public static void Bool(Utf8JsonWriter writer, string name, bool value, bool omitEmpty = false)
    {
        if (omitEmpty && !value)
        {
            return;
        }

        writer.WriteBoolean(name, value);
    }

    /// <summary>A Go <c>[]string</c>: nil is <c>null</c> (or left out with <c>omitempty</c>, as is an empty one).</summary>
    public static void StringSlice(Utf8JsonWriter writer, string name, IReadOnlyCollection<string>? values, bool omitEmpty = false)
    {
        if (values is null || (omitEmpty && values.Count == 0))
        {
            if (!omitEmpty)
            {
                writer.WriteNull(name);
            }

            return;
        }

        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>A Go <c>map[string]string</c>.</summary>
    public static void StringMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string>? values, bool omitEmpty = false)
    {
        if (values is null || (omitEmpty && values.Count == 0))
        {
            if (!omitEmpty)
            {
                writer.WriteNull(name);
            }

            return;
        }

        writer.WriteStartObject(name);
        foreach ((string key, string value) in values)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>A slice of structs: nil is <c>null</c> unless <c>omitempty</c>.</summary>
    public static void Slice<T>(Utf8JsonWriter writer, string name, IReadOnlyCollection<T>? values, Action<Utf8JsonWriter, T> writeItem, bool omitEmpty = false)
    {
        if (values is null || (omitEmpty && values.Count == 0))
        {
            if (!omitEmpty)
            {
                writer.WriteNull(name);
            }

            return;
        }

        writer.WriteStartArray(name);
        foreach (T value in values)
        {
            writeItem(writer, value);
        }

        writer.WriteEndArray();
    }

    /// <summary>Serializes one value with <paramref name="write"/> into UTF-8 bytes.</summary>
    public static byte[] ToBytes(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    // Tolerant reading, as Go's Unmarshal: unknown fields are ignored, a missing or null field is the zero value.

    public static string GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    public static string? GetStringPointer(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long GetInt64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    public static bool GetBool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.True;

    /// <summary>The items of an array field; none when it is missing or <c>null</c>.</summary>
    public static IEnumerable<JsonElement> GetArray(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    /// <summary>The values of an object (Go map) field; none when it is missing or <c>null</c>.</summary>
    public static IEnumerable<JsonProperty> GetMap(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value.EnumerateObject() : [];
}
