using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SharedChannels.Content;
using SharedChannels.Wire;

namespace SharedChannels.Benchmarks;

/// <summary>
/// Encoding and decoding one <c>sharedchannel_sync</c> message of N posts. Each category has a floor: System.Text.Json
/// (the SDK's source-generated context) serializing or deserializing the same, already built DTOs. The other methods
/// add what the SDK does around it, so their ratio is the SDK's overhead over plain JSON:
/// <list type="bullet">
/// <item><c>Encode</c> / <c>Decode</c>: the payload, with the model ↔ DTO mapping of <c>SyncMapping</c>.</item>
/// <item><c>EncodeFrame</c> / <c>DecodeFrame</c>: the whole request body as sent and received, i.e. also the
/// <c>{"remote_id","msg":{…,"payload"}}</c> envelope (<c>WireFormat</c>); the payload is written in place and read
/// from a slice of the body.</item>
/// </list>
/// </summary>
/// <remarks>30 benchmarks: the iteration counts are capped so the default job stays around ten minutes.</remarks>
[MemoryDiagnoser]
[MinColumn]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[MaxWarmupCount(10)]
[MaxIterationCount(30)]
public class SyncMessageBenchmarks
{
    private const string ConnectionId = "conn0000000000000000000000";
    private const string MessageId = "msg00000000000000000000000";
    private const string EncodeCategory = "Encode";
    private const string DecodeCategory = "Decode";

    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private List<Post> _posts = null!;
    private SyncMsgDto _dto = null!;
    private byte[] _payload = null!;
    private byte[] _frame = null!;

    /// <summary>Posts per message. Mattermost and the SDK send at most 50 by default (<c>MaxPostsPerSync</c>).</summary>
    [Params(1, 10, 50, 200, 1000)]
    public int Posts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _posts = SampleData.Posts(Posts, 0, Start);
        _dto = ToMessage(_posts);
        _payload = JsonSerializer.SerializeToUtf8Bytes(_dto, WireJsonContext.Default.SyncMsgDto);
        _frame = WireFormat.Frame(ConnectionId, Topics.SharedChannelSync, SyncMapping.ToMs(Start), _dto, WireJsonContext.Default.SyncMsgDto, MessageId);

        // The decoders must see every post as valid, or they would measure the refusal path.
        if (Decode().Count != Posts || DecodeFrame().Count != Posts)
        {
            throw new InvalidOperationException("The sample posts do not round-trip.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(EncodeCategory)]
    public byte[] SerializeDto() => JsonSerializer.SerializeToUtf8Bytes(_dto, WireJsonContext.Default.SyncMsgDto);

    [Benchmark]
    [BenchmarkCategory(EncodeCategory)]
    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(ToMessage(_posts), WireJsonContext.Default.SyncMsgDto);

    [Benchmark]
    [BenchmarkCategory(EncodeCategory)]
    public byte[] EncodeFrame() =>
        WireFormat.Frame(ConnectionId, Topics.SharedChannelSync, SyncMapping.ToMs(Start), ToMessage(_posts), WireJsonContext.Default.SyncMsgDto, MessageId);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(DecodeCategory)]
    public object? DeserializeDto() => JsonSerializer.Deserialize(_payload, WireJsonContext.Default.SyncMsgDto);

    [Benchmark]
    [BenchmarkCategory(DecodeCategory)]
    public List<Post> Decode() => ToPosts(JsonSerializer.Deserialize(_payload, WireJsonContext.Default.SyncMsgDto)!);

    /// <summary>What the dispatcher and the receiver do with a request body before applying it.</summary>
    [Benchmark]
    [BenchmarkCategory(DecodeCategory)]
    public List<Post> DecodeFrame()
    {
        InboundEnvelope frame = WireFormat.ReadFrame(_frame)!;
        return ToPosts(WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.SyncMsgDto)!);
    }

    private static SyncMsgDto ToMessage(List<Post> posts) => new()
    {
        Id = MessageId,
        ChannelId = SampleData.ChannelId,
        Posts = posts.ConvertAll(SyncMapping.ToDto),
    };

    private static List<Post> ToPosts(SyncMsgDto message)
    {
        var posts = new List<Post>(message.Posts!.Count);
        foreach (PostDto dto in message.Posts)
        {
            if (SyncMapping.FromDto(dto, ConnectionId) is { } post)
            {
                posts.Add(post);
            }
        }

        return posts;
    }
}
