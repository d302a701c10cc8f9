using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Benchmarks;

/// <summary>
/// The inbound sync path on an in-memory host. Two SDK workspaces on a loopback network: <c>home</c> shares a
/// channel with <c>remote</c>. Each invocation hands the remote's <see cref="RemoteFrameDispatcher"/> one
/// <c>sharedchannel_sync</c> request from home, exactly as the loopback transport would: signed, with its five authors
/// and 50 new posts (fresh ids, so every post is really inserted). Results are per post (OperationsPerInvoke = 50).
/// </summary>
/// <remarks>
/// The requests are built and signed in <see cref="BuildRequests"/>, outside the measurement, one per invocation.
/// <list type="bullet">
/// <item><see cref="ParseOnly"/> (baseline): reading the body into the frame and the sync DTO, nothing else.</item>
/// <item><see cref="Dispatch"/>: <see cref="RemoteFrameDispatcher.DispatchAsync"/>: authentication, signature and
/// replay check, validation, deduplication, the receiver's rights checks, mapping and the upserts into
/// <c>InMemoryChatContent</c>, and the reply.</item>
/// <item><see cref="DispatchAndRelay"/>: the same, then waits until the sync engine is idle. The remote is not the
/// channel's home, so the receiver wakes no relay at all (it used to wake the remote's worker, which read the new
/// changes only to drop them as echoes); the method shows that nothing is left running.</item>
/// </list>
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[InvocationCount(InvocationsPerIteration, 1)]
[MaxWarmupCount(8)]
[MaxIterationCount(25)]
public class ReceiverApplyBenchmarks
{
    private const int PostsPerMessage = 50;
    private const int InvocationsPerIteration = 256;
    private const int WarmUpMessages = 300;

    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(4);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private LoopbackWorkspace _home = null!;
    private LoopbackWorkspace _remote = null!;
    private string _connectionId = null!;
    private ConnectionRecord _homeSide = null!;
    private Dictionary<string, UserDto> _authors = null!;
    private RemoteRequest[] _requests = [];
    private int _next;
    private long _postCounter;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var network = new LoopbackNetwork();
        _home = await LoopbackWorkspace.StartAsync("home", network, _time);
        _remote = await LoopbackWorkspace.StartAsync("remote", network, _time);
        _connectionId = await _home.ConnectToAsync(_remote, "remote");
        _homeSide = await _home.Store.GetAsync(_connectionId) ?? throw new InvalidOperationException("The connection was not stored.");

        foreach (string author in SampleData.Authors)
        {
            _home.Content.AddLocalUser(author, "name-" + author[^4..]);
        }

        _home.Content.AddChannel(new ChannelInfo { Id = SampleData.ChannelId, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team" });
        await _home.Sharing.InviteAsync(LoopbackWorkspace.Admin, SampleData.ChannelId, _connectionId);
        await LoopbackWorkspace.SettleAsync(_home, _remote);
        if (!_remote.Content.HasChannel(SampleData.ChannelId))
        {
            throw new InvalidOperationException("The remote did not receive the shared channel.");
        }

        // The users the home's sync worker would send with these posts (SyncBatchBuilder).
        _authors = new Dictionary<string, UserDto>(StringComparer.Ordinal);
        foreach (string author in SampleData.Authors)
        {
            ChatUser user = await _home.Content.GetUserAsync(author) ?? throw new InvalidOperationException("An author is missing.");
            _authors[author] = SyncMapping.ToDto(user, null);
        }

        // One message up front creates the shadow users, as the first message of a real channel would; it also
        // proves the requests are accepted, so the benchmark never measures a refusal.
        RemoteResponse response = await _remote.Dispatcher.DispatchAsync(NewRequest());
        await LoopbackWorkspace.SettleAsync(_home, _remote);
        ReplyDto reply = WireFormat.TryReadReply(response.Body.Span) ?? throw new InvalidOperationException("The reply is not a reply object.");
        SyncResponseDto? result = reply.Payload.ValueKind == JsonValueKind.Object ? reply.Payload.Deserialize(WireJsonContext.Default.SyncResponseDto) : null;
        if (response.StatusCode != 200 || !reply.IsOk || result is null || result.ItemErrors is { Count: > 0 } || result.UsersSyncd.Count != SampleData.Authors.Length
            || _remote.Content.GetPosts(SampleData.ChannelId).Count != PostsPerMessage)
        {
            throw new InvalidOperationException($"The sync message was not applied cleanly: {response.StatusCode} {System.Text.Encoding.UTF8.GetString(response.Body.Span)}");
        }

        // Warm the measured paths up before BenchmarkDotNet's own warm-up. With one fresh request per invocation the
        // short job makes only a few hundred invocations, while tiered compilation (with dynamic PGO) needs a few
        // seconds of steady calls on this 2-core machine before these paths run optimized code: without this, the
        // short job measured ParseOnly at 8-10 µs per post instead of the steady 2 µs.
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < WarmUpMessages || clock.Elapsed < WarmUpTime; i++)
        {
            RemoteRequest request = NewRequest();
            _ = WireFormat.TryReadObject(WireFormat.ReadFrame(request.Body)!.Payload, WireJsonContext.Default.SyncMsgDto);
            await _remote.Dispatcher.DispatchAsync(request);
            await _remote.Sync.WhenIdleAsync();
        }

        await LoopbackWorkspace.SettleAsync(_home, _remote);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _remote.DisposeAsync();
        await _home.DisposeAsync();
    }

    [IterationSetup]
    public void BuildRequests()
    {
        _requests = new RemoteRequest[InvocationsPerIteration];
        for (int i = 0; i < _requests.Length; i++)
        {
            _requests[i] = NewRequest();
        }

        _next = 0;
    }

    /// <summary>Lets the relay work of the iteration finish, so it does not run into the next one.</summary>
    [IterationCleanup]
    public void Settle() => LoopbackWorkspace.SettleAsync(_home, _remote).GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = PostsPerMessage)]
    public object? ParseOnly()
    {
        InboundEnvelope frame = WireFormat.ReadFrame(_requests[_next++].Body)!;
        return WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.SyncMsgDto);
    }

    [Benchmark(OperationsPerInvoke = PostsPerMessage)]
    public Task<RemoteResponse> Dispatch() => _remote.Dispatcher.DispatchAsync(_requests[_next++]);

    [Benchmark(OperationsPerInvoke = PostsPerMessage)]
    public async Task<RemoteResponse> DispatchAndRelay()
    {
        RemoteResponse response = await _remote.Dispatcher.DispatchAsync(_requests[_next++]);
        await _remote.Sync.WhenIdleAsync();
        return response;
    }

    /// <summary>A request as home's sender would make it: a frame with a fresh message id, signed when agreed.</summary>
    private RemoteRequest NewRequest()
    {
        long first = _postCounter;
        _postCounter += PostsPerMessage;
        List<Post> posts = SampleData.Posts(PostsPerMessage, first, _time.GetUtcNow());
        var message = new SyncMsgDto
        {
            Id = RemoteIds.NewId(),
            ChannelId = SampleData.ChannelId,
            Users = _authors,
            Posts = posts.ConvertAll(SyncMapping.ToDto),
        };

        byte[] body = WireFormat.Frame(_connectionId, Topics.SharedChannelSync, SyncMapping.ToMs(_time.GetUtcNow()), message, WireJsonContext.Default.SyncMsgDto);
        string token = _homeSide.RemoteToken ?? throw new InvalidOperationException("The connection has no remote token.");
        if (!_homeSide.PeerSupportsSignedFrames)
        {
            return new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = _connectionId, Token = token, Body = body };
        }

        long timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Message,
            RemoteId = _connectionId,
            Token = token,
            Body = body,
            SignatureTimestamp = timestamp,
            Signature = FrameSignature.Sign(token, timestamp, RemoteEndpoint.Message, body),
        };
    }
}
