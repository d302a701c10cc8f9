using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharedChannels.Tests.Corpus;

/// <summary>
/// Turns a valid frame into a broken or hostile one, driven by a seeded <see cref="Random"/>: random bytes,
/// truncation, byte flips, and structural changes to the JSON (a value replaced by one of another type, a huge number,
/// a deeply nested array, a huge string, a property removed or renamed, the topic swapped).
/// </summary>
internal sealed class FrameMutator(Random random)
{
    private static readonly string[] Topics = ["ping", "invitation", "sharedchannel_sync", "sharedchannel_invite", "sharedchannel_upload", "sharedchannel_global_user_sync", "no_such_topic", string.Empty];

    private static readonly string[] HugeNumbers =
    [
        "1e400", "-1e400", "99999999999999999999999999", "-9223372036854775809", "9223372036854775807", "-9223372036854775808",
        "-1", "0", "1.5", "2.5e-300", "253402300800000", "-0",
    ];

    /// <summary>Returns a mutated copy of <paramref name="frame"/> and a short description of what was done.</summary>
    public (byte[] Body, string Mutation) Mutate(string frame)
    {
        int kind = random.Next(10);
        byte[] bytes = Encoding.UTF8.GetBytes(frame);
        switch (kind)
        {
            case 0:
                byte[] noise = new byte[random.Next(0, 2048)];
                random.NextBytes(noise);
                return (noise, $"random {noise.Length} bytes");
            case 1:
                int cut = random.Next(0, bytes.Length);
                return (bytes[..cut], $"truncated at {cut}");
            case 2:
                int flips = random.Next(1, 6);
                for (int i = 0; i < flips; i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return (bytes, $"{flips} bit flips");
            default:
                return Structural(frame);
        }
    }

    private (byte[] Body, string Mutation) Structural(string frame)
    {
        JsonNode root = JsonNode.Parse(frame)!;
        var slots = new List<(JsonNode Parent, object Key, string Path)>();
        Collect(root, "$", slots);
        if (slots.Count == 0)
        {
            return (Encoding.UTF8.GetBytes(frame), "unchanged");
        }

        (JsonNode parent, object key, string path) = slots[random.Next(slots.Count)];
        string mutation;
        switch (random.Next(9))
        {
            case 0:
                Set(parent, key, null);
                mutation = $"{path} = null";
                break;
            case 1:
                string number = HugeNumbers[random.Next(HugeNumbers.Length)];
                Set(parent, key, JsonNode.Parse(number));
                mutation = $"{path} = {number}";
                break;
            case 2:
                Set(parent, key, JsonValue.Create(random.Next(2) == 0));
                mutation = $"{path} = bool";
                break;
            case 3:
                Set(parent, key, JsonValue.Create(new string('x', random.Next(2) == 0 ? 65_536 : 27)));
                mutation = $"{path} = long string";
                break;
            case 4:
                int depth = random.Next(2) == 0 ? 70 : 5_000;
                return (Encoding.UTF8.GetBytes(Replace(root, parent, key, new string('[', depth) + new string(']', depth))), $"{path} = array nested {depth} deep");
            case 5:
                Set(parent, key, new JsonArray(JsonValue.Create(1), null, new JsonObject()));
                mutation = $"{path} = [1,null,{{}}]";
                break;
            case 6:
                Set(parent, key, new JsonObject { ["unexpected"] = null });
                mutation = $"{path} = object";
                break;
            case 7 when parent is JsonObject obj && key is string name:
                JsonNode? value = obj[name];
                obj.Remove(name);
                if (random.Next(2) == 0)
                {
                    obj[name.ToUpperInvariant() + "_"] = value?.DeepClone();
                    mutation = $"{path} renamed";
                }
                else
                {
                    mutation = $"{path} removed";
                }

                break;
            default:
                string topic = Topics[random.Next(Topics.Length)];
                if (root["msg"] is JsonObject msg)
                {
                    msg["topic"] = topic;
                }

                mutation = $"topic = '{topic}'";
                break;
        }

        return (Encoding.UTF8.GetBytes(root.ToJsonString()), mutation);
    }

    private static void Collect(JsonNode? node, string path, List<(JsonNode Parent, object Key, string Path)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string name, JsonNode? child) in obj.ToList())
                {
                    slots.Add((obj, name, $"{path}.{name}"));
                    Collect(child, $"{path}.{name}", slots);
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    slots.Add((array, i, $"{path}[{i}]"));
                    Collect(array[i], $"{path}[{i}]", slots);
                }

                break;
        }
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject obj)
        {
            obj[(string)key] = value;
        }
        else
        {
            ((JsonArray)parent)[(int)key] = value;
        }
    }

    /// <summary>Serializes with one value replaced by raw JSON text (for nesting deeper than JsonNode allows).</summary>
    private static string Replace(JsonNode root, JsonNode parent, object key, string raw)
    {
        const string Marker = "\"__mutator_marker__\"";
        Set(parent, key, JsonValue.Create("__mutator_marker__"));
        return root.ToJsonString(new JsonSerializerOptions { MaxDepth = 10_000 }).Replace(Marker, raw, StringComparison.Ordinal);
    }
}
