using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Wire;

/// <summary>
/// Go's encoding/json writes a nil slice or map as <c>null</c> unless its field has <c>omitempty</c>, and Mattermost
/// leaves many of them nil. Every wire type the SDK reads must take <c>null</c> for each list and map: a list the code
/// treats as never null (declared non-nullable) must read <c>null</c> as empty.
/// </summary>
public sealed class GoNullCollectionsTests
{
    // JsonSerializableAttribute keeps its type only as a constructor argument.
    private static IEnumerable<Type> CtorTypes() =>
        typeof(WireJsonContext).GetCustomAttributesData()
            .Where(d => d.AttributeType == typeof(JsonSerializableAttribute))
            .Select(d => (Type)d.ConstructorArguments[0].Value!);

    private static IEnumerable<TestCaseData> Cases() =>
        CtorTypes()
            .Where(t => t.Namespace == typeof(WireJsonContext).Namespace && t.IsClass)
            .Select(t => new TestCaseData(t).SetName($"Deserialize_{t.Name}WithEveryFieldNull_ReadsEveryNonNullableListAsEmpty"));

    [TestCaseSource(nameof(Cases))]
    public void Deserialize_EveryFieldNull_ReadsEveryNonNullableListAsEmpty(Type type)
    {
        JsonTypeInfo typeInfo = WireJsonContext.Default.GetTypeInfo(type)!;
        // Go writes null only where its field is a slice, map, pointer or raw message; numbers and booleans are values.
        string json = "{" + string.Join(',', typeInfo.Properties.Where(p => !p.PropertyType.IsValueType || p.PropertyType == typeof(JsonElement)).Select(p => $"\"{p.Name}\":null")) + "}";

        object value = JsonSerializer.Deserialize(json, typeInfo)!;

        var nullability = new NullabilityInfoContext();
        foreach (PropertyInfo property in type.GetProperties().Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null))
        {
            bool collection = property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType);
            if (collection && nullability.Create(property).ReadState == NullabilityState.NotNull)
            {
                Assert.That(property.GetValue(value), Is.Not.Null.And.Empty, $"{type.Name}.{property.Name} read from \"{property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name}\":null");
            }
        }
    }

    [Test]
    public void TryReadObject_NullPayload_ReadsNothingAndDoesNotThrow()
    {
        ReplyDto reply = WireFormat.TryReadReply("""{"status":"OK","err":"","payload":null}"""u8)!;

        Assert.That(WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.SyncResponseDto), Is.Null);
    }
}
