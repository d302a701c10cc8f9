using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Wire;

/// <summary><see cref="WireFormat.Frame"/> writes the payload in place, and must give the bytes of serializing a <see cref="FrameDto"/>.</summary>
public sealed class WireFormatTests
{
    private const string RemoteId = "remote00000000000000000aaa";
    private const string MessageId = "msg00000000000000000000aaa";
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";

    private static byte[] SerializedFrameDto<T>(string remoteId, string topic, long createAt, T payload, JsonTypeInfo<T> payloadType, string messageId) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new FrameDto
            {
                RemoteId = remoteId,
                Msg = new MessageDto { Id = messageId, Topic = topic, CreateAt = createAt, Payload = JsonSerializer.SerializeToElement(payload, payloadType) },
            },
            WireJsonContext.Default.FrameDto);

    private static void AssertSameBytes(byte[] actual, byte[] expected)
    {
        // The text first, for a readable difference; then the bytes, which are what the signature covers.
        Assert.That(Encoding.UTF8.GetString(actual), Is.EqualTo(Encoding.UTF8.GetString(expected)));
        Assert.That(actual, Is.EqualTo(expected));
    }

    private static SyncMsgDto TrickySyncMessage()
    {
        using JsonDocument props = JsonDocument.Parse("""{"from_bot":"true","attachments":[{"text":"<b>caf\u00e9</b> & \"quoted\" \ud83d\ude00"}],"ratio":1.50,"none":null}""");
        return new SyncMsgDto
        {
            Id = "sync0000000000000000000aaa",
            ChannelId = Channel,
            Users = new Dictionary<string, UserDto>
            {
                [Alice] = new() { Id = Alice, Username = "alice", FirstName = "Zoë", LastName = "O'Brien <admin>", Nickname = "\"Al\" & co", Props = new() { ["remote_username"] = "élodie", ["<key>"] = "a&b" } },
            },
            Posts =
            [
                new PostDto { Id = "post0000000000000000000001", CreateAt = 1, UpdateAt = 2, UserId = Alice, ChannelId = Channel, RootId = string.Empty, Message = "Grüße, 你好, مرحبا — \"quotes\" 'single' <script>alert(1)</script> & more \\ back\\slash\ttab\nnewline \u0001 \U0001F389", Props = props.RootElement.Clone(), FileIds = ["file0000000000000000000001"] },
                new PostDto { Id = "post0000000000000000000002", CreateAt = long.MaxValue, UpdateAt = 0, DeleteAt = -1, UserId = Alice, ChannelId = Channel, Message = "\u2028\u2029 line separators and </p> + `ticks`", Hashtags = "#été", RemoteId = RemoteId },
            ],
            Reactions = [new ReactionDto { UserId = Alice, PostId = "post0000000000000000000001", EmojiName = "+1", CreateAt = 3, UpdateAt = 3, ChannelId = Channel }],
            MentionTransforms = new Dictionary<string, string> { ["élodie"] = Alice, ["a<b>&c"] = Alice },
        };
    }

    [Test]
    public void Frame_SyncMessageWithNonAsciiQuotesAndHtmlCharacters_IsTheSerializedFrameDto()
    {
        SyncMsgDto payload = TrickySyncMessage();

        byte[] frame = WireFormat.Frame(RemoteId, Topics.SharedChannelSync, 1_764_072_000_000, payload, WireJsonContext.Default.SyncMsgDto, MessageId);

        AssertSameBytes(frame, SerializedFrameDto(RemoteId, Topics.SharedChannelSync, 1_764_072_000_000, payload, WireJsonContext.Default.SyncMsgDto, MessageId));
    }

    [Test]
    public void Frame_NullHeavySyncMessage_IsTheSerializedFrameDto()
    {
        var payload = new SyncMsgDto
        {
            Posts = [new PostDto(), new PostDto { Id = "post0000000000000000000003" }],
            Users = new Dictionary<string, UserDto> { [Alice] = new() },
            Statuses = [new StatusDto()],
            MembershipChanges = [new MembershipChangeDto()],
            Acknowledgements = [new AcknowledgementDto()],
        };

        byte[] frame = WireFormat.Frame(RemoteId, Topics.SharedChannelSync, 0, payload, WireJsonContext.Default.SyncMsgDto, MessageId);

        AssertSameBytes(frame, SerializedFrameDto(RemoteId, Topics.SharedChannelSync, 0, payload, WireJsonContext.Default.SyncMsgDto, MessageId));
    }

    [Test]
    public void Frame_EmptySyncMessage_IsTheSerializedFrameDto()
    {
        var payload = new SyncMsgDto();

        byte[] frame = WireFormat.Frame(RemoteId, Topics.SharedChannelSync, -1, payload, WireJsonContext.Default.SyncMsgDto, MessageId);

        AssertSameBytes(frame, SerializedFrameDto(RemoteId, Topics.SharedChannelSync, -1, payload, WireJsonContext.Default.SyncMsgDto, MessageId));
    }

    [Test]
    public void Frame_HeaderFieldsNeedingEscapes_AreEscapedAsTheSerializerDoes()
    {
        const string OddRemote = "réseau<&>\"'";
        const string OddTopic = "topic/é\u0000<x>";
        var payload = new PingDto { SentAt = long.MinValue, RecvAt = long.MaxValue };

        byte[] frame = WireFormat.Frame(OddRemote, OddTopic, long.MaxValue, payload, WireJsonContext.Default.PingDto, "id\"&<>");

        AssertSameBytes(frame, SerializedFrameDto(OddRemote, OddTopic, long.MaxValue, payload, WireJsonContext.Default.PingDto, "id\"&<>"));
    }

    [Test]
    public void Frame_ChannelInvite_IsTheSerializedFrameDto()
    {
        var payload = new ChannelInviteDto { ChannelId = Channel, Name = "café-<&>", DisplayName = "Café \"Central\"", Header = null, Purpose = "✓ ok", Type = "O", ReadOnly = true };

        byte[] frame = WireFormat.Frame(RemoteId, Topics.SharedChannelInvite, 42, payload, WireJsonContext.Default.ChannelInviteDto, MessageId);

        AssertSameBytes(frame, SerializedFrameDto(RemoteId, Topics.SharedChannelInvite, 42, payload, WireJsonContext.Default.ChannelInviteDto, MessageId));
    }

    [Test]
    public void Frame_ReadBack_GivesTheSameMessage()
    {
        SyncMsgDto payload = TrickySyncMessage();

        InboundEnvelope? frame = WireFormat.ReadFrame(WireFormat.Frame(RemoteId, Topics.SharedChannelSync, 7, payload, WireJsonContext.Default.SyncMsgDto, MessageId));
        SyncMsgDto? read = frame is { HasMessage: true } msg ? WireFormat.TryReadObject(msg.Payload, WireJsonContext.Default.SyncMsgDto) : null;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame?.RemoteId, Is.EqualTo(RemoteId));
            Assert.That(frame?.Id, Is.EqualTo(MessageId));
            Assert.That(frame?.Topic, Is.EqualTo(Topics.SharedChannelSync));
            Assert.That(frame?.CreateAt, Is.EqualTo(7));
            Assert.That(read?.Posts?.Select(p => p.Message), Is.EqualTo(payload.Posts!.Select(p => p.Message)));
            Assert.That(read?.MentionTransforms, Is.EqualTo(payload.MentionTransforms));
            Assert.That(read?.Users?[Alice].LastName, Is.EqualTo("O'Brien <admin>"));
        }
    }

    [Test]
    public void Frame_WithoutMessageId_GivesEachFrameANewValidId()
    {
        var payload = new PingDto { SentAt = 1 };

        InboundEnvelope? first = WireFormat.ReadFrame(WireFormat.Frame(RemoteId, Topics.SharedChannelSync, 1, payload, WireJsonContext.Default.PingDto));
        InboundEnvelope? second = WireFormat.ReadFrame(WireFormat.Frame(RemoteId, Topics.SharedChannelSync, 1, payload, WireJsonContext.Default.PingDto));

        Assert.That(RemoteIds.IsValid(first?.Id), Is.True);
        Assert.That(RemoteIds.IsValid(second?.Id), Is.True);
        Assert.That(second!.Id, Is.Not.EqualTo(first!.Id));
    }
}
