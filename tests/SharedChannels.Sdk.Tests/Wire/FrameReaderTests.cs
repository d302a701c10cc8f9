using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SharedChannels.Tests.Corpus;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Wire;

/// <summary>
/// <see cref="WireFormat.ReadFrame(ReadOnlyMemory{byte})"/> reads the envelope in one pass and leaves the payload as
/// bytes. It must accept and refuse exactly what deserializing a <see cref="FrameDto"/> with System.Text.Json does (the
/// reader it replaced), and give the same fields and the same payload JSON: checked on hand-picked edge cases and on
/// randomly mutated frames, with System.Text.Json as the reference.
/// </summary>
[TestFixture]
public sealed class FrameReaderTests
{
    private const string Sync = """{"remote_id":"r1","msg":{"id":"m1","topic":"sharedchannel_sync","create_at":1700000000000,"payload":{"channel_id":"c","posts":[{"id":"p","message":"héllo \"q\" \u00e9 <b>"}],"users":null}}}""";

    private static readonly string[] EdgeCases =
    [
        Sync,
        """ {"remote_id":null,"msg":{"id":"m","topic":"t","create_at":1,"payload":{}}}  """,
        """{"msg":{"payload":{"a":1},"topic":"t","id":"m","create_at":-5}}""",
        """{"msg":{"id":"m","topic":"t","payload":null}}""",
        """{"msg":{"id":"m","topic":"t"}}""",
        """{"msg":null,"remote_id":"r"}""",
        """{"msg":{"id":"m","topic":"t","payload":[1,2]},"msg":{"id":"n","topic":"u","payload":"s"}}""",
        """{"msg":{"id":"m","topic":"t","payload":1,"payload":{"b":[true,false,null]}}}""",
        """{"remote\u005fid":"r","m\u0073g":{"\u0069d":"m","topic":"t\n","payload":{}}}""",
        """{"Remote_Id":"r","MSG":{"id":"m","topic":"t","payload":{}}}""",
        """{"unknown":{"deep":[1,{"x":null}]},"msg":{"id":"m","topic":"t","other":[],"payload":{}}}""",
        """{"msg":{"id":"m","topic":"t","create_at":1.5,"payload":{}}}""",
        """{"msg":{"id":"m","topic":"t","create_at":1e3,"payload":{}}}""",
        """{"msg":{"id":"m","topic":"t","create_at":"1","payload":{}}}""",
        """{"msg":{"id":"m","topic":"t","create_at":null,"payload":{}}}""",
        """{"msg":{"id":"m","topic":"t","create_at":99999999999999999999,"payload":{}}}""",
        """{"msg":{"id":5,"topic":"t","payload":{}}}""",
        """{"msg":{"id":"m","topic":["t"],"payload":{}}}""",
        """{"remote_id":7,"msg":{"id":"m","topic":"t","payload":{}}}""",
        """{"msg":"text"}""",
        """{"msg":[]}""",
        """{"msg":{"id":"m","topic":"t","payload":{}}} x""",
        """{"msg":{"id":"m","topic":"t","payload":{}}}{}""",
        """{"msg":{"id":"m","topic":"t","payload":{}},}""",
        """{"msg":{"id":"m","topic":"t","payload":{} /* c */}}""",
        """{"msg":{"id":"m","topic":"t","payload":{"a":"\ud800"}}}""",
        """{"msg":{"id":"m","topic":"t","payload":{"a":"b}}""",
        "\uFEFF{\"msg\":{\"id\":\"m\",\"topic\":\"t\",\"payload\":{}}}",
        "null",
        "[]",
        "\"frame\"",
        "",
        "   ",
        "{}",
        "{\"msg\":{\"id\":\"m\",\"topic\":\"t\",\"payload\":" + new string('[', 70) + new string(']', 70) + "}}",
    ];

    [TestCaseSource(nameof(EdgeCases))]
    public void ReadFrame_EdgeCase_AgreesWithDeserializingFrameDto(string frame) =>
        Assert.That(Compare(Encoding.UTF8.GetBytes(frame)), Is.Null);

    [Test]
    public void ReadFrame_RandomlyMutatedFrames_AgreeWithDeserializingFrameDto()
    {
        const int Seed = 20261203;
        var mutator = new FrameMutator(new Random(Seed));
        var disagreements = new List<string>();
        int accepted = 0;
        for (int i = 0; i < 4000 && disagreements.Count < 10; i++)
        {
            (byte[] body, string mutation) = mutator.Mutate(Sync);
            if (Compare(body) is { } disagreement)
            {
                disagreements.Add($"iteration {i} (seed {Seed}), {mutation}: {disagreement}");
            }
            else if (Reference(body) is { Msg: not null })
            {
                accepted++;
            }
        }

        Assert.That(disagreements, Is.Empty);
        Assert.That(accepted, Is.GreaterThan(100), "enough mutated frames still parse for the comparison to mean something");
    }

    [Test]
    public void ReadFrame_Payload_IsASliceOfTheBodyNotACopy()
    {
        byte[] body = Encoding.UTF8.GetBytes(Sync);

        InboundEnvelope frame = WireFormat.ReadFrame(body)!;

        Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Payload, out ArraySegment<byte> segment), Is.True);
        Assert.That(segment.Array, Is.SameAs(body));
        Assert.That(Encoding.UTF8.GetString(frame.Payload.Span), Does.StartWith("{\"channel_id\":\"c\"").And.EndWith("\"users\":null}"));
    }

    [TestCase("""{"a":1}""", true)]
    [TestCase("""  {"a":1}""", true)]
    [TestCase("""[{"a":1}]""", false)]
    [TestCase("\"text\"", false)]
    [TestCase("42", false)]
    [TestCase("""{"sent_at":"not a number"}""", false)]
    public void TryReadObject_FromBytes_ReadsOnlyObjectsThatFitTheType(string payload, bool reads)
    {
        PingDto? ping = WireFormat.TryReadObject(Encoding.UTF8.GetBytes(payload).AsMemory(), WireJsonContext.Default.PingDto);

        Assert.That(ping is not null, Is.EqualTo(reads));
    }

    private static FrameDto? Reference(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, WireJsonContext.Default.FrameDto);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Null when both readers agree; otherwise what differs (without the body: the caller names the case).
    private static string? Compare(byte[] body)
    {
        FrameDto? expected;
        string? expectedError = null;
        try
        {
            expected = JsonSerializer.Deserialize(body, WireJsonContext.Default.FrameDto);
        }
        catch (JsonException ex)
        {
            expected = null;
            expectedError = ex.GetType().Name;
        }

        InboundEnvelope? actual;
        try
        {
            actual = WireFormat.ReadFrame(body);
        }
        catch (JsonException)
        {
            return expectedError is null ? "ReadFrame refused a frame System.Text.Json reads" : null;
        }
        catch (Exception ex)
        {
            return $"ReadFrame threw {ex.GetType().Name}, not JsonException";
        }

        if (expectedError is not null)
        {
            return "ReadFrame read a frame System.Text.Json refuses";
        }

        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : "one reader saw the JSON null and the other did not";
        }

        // Bytes, not text: System.Text.Json keeps a payload's invalid UTF-8 as it is until someone reads that string.
        string Payload(JsonElement payload) =>
            payload.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "(none)" : Convert.ToHexString(JsonMarshal.GetRawUtf8Value(payload));
        string expectedFields = expected.Msg is { } m
            ? $"{expected.RemoteId}|{m.Id}|{m.Topic}|{m.CreateAt}|{Payload(m.Payload)}"
            : $"{expected.RemoteId}|no msg";
        string actualFields = actual.HasMessage
            ? $"{actual.RemoteId}|{actual.Id}|{actual.Topic}|{actual.CreateAt}|{(actual.Payload.IsEmpty ? "(none)" : Convert.ToHexString(actual.Payload.Span))}"
            : $"{actual.RemoteId}|no msg";
        return expectedFields == actualFields ? null : $"fields differ: expected {expectedFields}, read {actualFields}";
    }
}
