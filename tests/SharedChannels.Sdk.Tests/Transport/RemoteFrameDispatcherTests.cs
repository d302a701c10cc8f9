using SharedChannels.Connections;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace SharedChannels.Tests.Transport;

public sealed class RemoteFrameDispatcherTests
{
    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private TestWorkspace _a = null!;
    private TestWorkspace _b = null!;
    private ConnectionRecord _onA = null!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _a = await TestWorkspace.StartAsync("a", _network, _time);
        _b = await TestWorkspace.StartAsync("b", _network, _time);
        string id = await _a.ConnectToAsync(_b);
        _onA = await _a.RecordAsync(id);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static string Frame(string remoteId, string topic, string payload, string msgId = "ko8kjhd9e3dq7m3zjy4bqxfgyo") =>
        $$$"""{"remote_id":"{{{remoteId}}}","msg":{"id":"{{{msgId}}}","topic":"{{{topic}}}","create_at":1,"payload":{{{payload}}}}}""";

    private Task<RemoteResponse> SendToAAsync(RemoteEndpoint endpoint, string body, string? remoteId = null, string? token = null) =>
        _a.Dispatcher.DispatchAsync(new RemoteRequest
        {
            Endpoint = endpoint,
            RemoteId = remoteId ?? _onA.RemoteId,
            Token = token ?? _onA.Token,
            Body = Encoding.UTF8.GetBytes(body),
        }.Signed(_time));

    private static string Err(RemoteResponse response) =>
        JsonDocument.Parse(response.Body).RootElement.GetProperty("err").GetString()!;

    [Test]
    public async Task DispatchAsync_FloodOfUnauthenticatedRequests_LogsAFewLinesAndThenOneSummary()
    {
        int before = RefusalLines().Count;
        for (int i = 0; i < 200; i++)
        {
            await SendToAAsync(RemoteEndpoint.Message, Frame(_onA.RemoteId, "ping", """{"sent_at":1}"""), token: "wrongtokenwrongtokenwrongt");
        }

        int duringFlood = RefusalLines().Count - before;
        _time.Advance(TimeSpan.FromMinutes(1));
        RemoteResponse later = await SendToAAsync(RemoteEndpoint.Message, Frame(_onA.RemoteId, "ping", """{"sent_at":1}"""), token: "wrongtokenwrongtokenwrongt");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(later.StatusCode, Is.EqualTo(401), "every request is still refused");
            Assert.That(duringFlood, Is.EqualTo(5), "the first few of a minute are logged one by one");
            Assert.That(_a.Logs.Lines.Count(l => l.Contains("195 more requests were refused", StringComparison.Ordinal)), Is.EqualTo(1), "the rest are counted in one line");
        }

        List<string> RefusalLines() => [.. _a.Logs.Lines.Where(l => l.Contains("Refused a Message request", StringComparison.Ordinal))];
    }

    [Test]
    public async Task AuthenticateHeadersAsync_ValidInvalidAndPendingCredentials_OpensOnlyWhatDispatchWould()
    {
        ConnectionInvitation pending = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "pending", Password = "pw" });
        ConnectionRecord pendingRecord = await _a.RecordAsync(pending.Connection.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _a.Dispatcher.AuthenticateHeadersAsync(RemoteEndpoint.Message, _onA.RemoteId, _onA.Token), Is.True);
            Assert.That(await _a.Dispatcher.AuthenticateHeadersAsync(RemoteEndpoint.Message, _onA.RemoteId, "wrongtokenwrongtokenwrongt"), Is.False);
            Assert.That(await _a.Dispatcher.AuthenticateHeadersAsync(RemoteEndpoint.Message, null, _onA.Token), Is.False);
            Assert.That(await _a.Dispatcher.AuthenticateHeadersAsync(RemoteEndpoint.Message, pendingRecord.RemoteId, pendingRecord.Token), Is.False, "an invitation's token opens only confirm_invite");
            Assert.That(await _a.Dispatcher.AuthenticateHeadersAsync(RemoteEndpoint.ConfirmInvitation, pendingRecord.RemoteId, pendingRecord.Token), Is.True);
        }
    }

    [Test]
    public async Task DispatchAsync_Ping_AnswersBarePingReply()
    {
        _time.Advance(TimeSpan.FromSeconds(5));

        RemoteResponse response = await SendToAAsync(RemoteEndpoint.Ping, Frame(_onA.RemoteId, "ping", """{"sent_at":1234}"""));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        using JsonDocument reply = JsonDocument.Parse(response.Body);
        Assert.That(reply.RootElement.GetProperty("sent_at").GetInt64(), Is.EqualTo(1234));
        Assert.That(reply.RootElement.GetProperty("recv_at").GetInt64(), Is.EqualTo(_time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    [TestCase(null, TestName = "DispatchAsync_MissingToken_Returns401")]
    [TestCase("wrong-token-wrong-token-xx", TestName = "DispatchAsync_WrongToken_Returns401")]
    [TestCase("", TestName = "DispatchAsync_EmptyToken_Returns401")]
    public async Task DispatchAsync_BadToken_Returns401(string? token)
    {
        RemoteResponse response = await _a.Dispatcher.DispatchAsync(new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Ping,
            RemoteId = _onA.RemoteId,
            Token = token,
            Body = Encoding.UTF8.GetBytes(Frame(_onA.RemoteId, "ping", """{"sent_at":1}""")),
        });

        Assert.That(response.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task DispatchAsync_MissingOrUnknownConnectionId_Returns401()
    {
        RemoteResponse missing = await SendToAAsync(RemoteEndpoint.Ping, Frame("", "ping", """{"sent_at":1}"""), remoteId: "");
        RemoteResponse unknown = await SendToAAsync(RemoteEndpoint.Ping, Frame("ybndrfg8ejkmcpqxot1uwisza3", "ping", """{"sent_at":1}"""), remoteId: "ybndrfg8ejkmcpqxot1uwisza3");

        Assert.That(missing.StatusCode, Is.EqualTo(401));
        Assert.That(unknown.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task DispatchAsync_RetiredInvitationToken_Returns401()
    {
        // B's token for A before rotation was the invitation token; after confirmation only the rotated one works.
        ConnectionRecord onB = await _b.RecordAsync(_onA.RemoteId);

        RemoteResponse rotated = await SendToAAsync(RemoteEndpoint.Ping, Frame(_onA.RemoteId, "ping", """{"sent_at":1}"""), token: onB.RemoteToken);
        RemoteResponse wrongDirection = await SendToAAsync(RemoteEndpoint.Ping, Frame(_onA.RemoteId, "ping", """{"sent_at":1}"""), token: onB.Token);

        Assert.That(rotated.StatusCode, Is.EqualTo(200));
        Assert.That(wrongDirection.StatusCode, Is.EqualTo(401));
    }

    [TestCase("not json", TestName = "DispatchAsync_InvalidJson_Returns400")]
    [TestCase("""{"remote_id":"x"}""", TestName = "DispatchAsync_MissingMsg_Returns400")]
    [TestCase("""{"msg":{"id":"","topic":"ping","payload":{}}}""", TestName = "DispatchAsync_EmptyMsgId_Returns400")]
    [TestCase("""{"msg":{"id":"abc","topic":"","payload":{}}}""", TestName = "DispatchAsync_EmptyTopic_Returns400")]
    [TestCase("""{"msg":{"id":"abc","topic":"ping"}}""", TestName = "DispatchAsync_MissingPayload_Returns400")]
    [TestCase("[1,2,3]", TestName = "DispatchAsync_JsonArray_Returns400")]
    public async Task DispatchAsync_InvalidFrame_Returns400(string body)
    {
        RemoteResponse response = await SendToAAsync(RemoteEndpoint.Message, body);

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(JsonDocument.Parse(response.Body).RootElement.GetProperty("status").GetString(), Is.EqualTo("FAIL"));
    }

    [Test]
    public async Task DispatchAsync_FrameRemoteIdMismatchesHeader_Returns400()
    {
        RemoteResponse response = await SendToAAsync(RemoteEndpoint.Message, Frame("ybndrfg8ejkmcpqxot1uwisza3", "sdk_connection_removed", "{}"));

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That((await _a.RecordAsync(_onA.RemoteId)).DeletedAt, Is.Null);
    }

    [Test]
    public async Task DispatchAsync_UnknownTopic_Returns400NamingIt()
    {
        RemoteResponse response = await SendToAAsync(RemoteEndpoint.Message, Frame(_onA.RemoteId, "no_such_topic", "{}"));

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(Err(response), Does.Contain("no_such_topic"));
    }

    [Test]
    public async Task DispatchAsync_OversizedBody_Returns413BeforeParsing()
    {
        string huge = new('x', 17 * 1024 * 1024);

        RemoteResponse response = await SendToAAsync(RemoteEndpoint.Message, huge);

        Assert.That(response.StatusCode, Is.EqualTo(413));
    }

    [Test]
    public async Task DispatchAsync_ServiceDisabled_Returns503()
    {
        await using TestWorkspace off = await TestWorkspace.StartAsync("off", _network, _time, o => { o.EnableRemoteClusterService = false; o.EnableSharedChannels = false; });

        RemoteResponse response = await off.Dispatcher.DispatchAsync(new RemoteRequest { Endpoint = RemoteEndpoint.Ping, RemoteId = _onA.RemoteId, Token = _onA.Token, Body = Encoding.UTF8.GetBytes("{}") });

        Assert.That(response.StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task DispatchAsync_ConfirmWhenAlreadyConfirmed_IsRefused()
    {
        string confirm = Frame(_onA.RemoteId, "invitation", $$"""{"remote_id":"{{_onA.RemoteId}}","remote_team_id":"","site_url":"https://evil.test","token":"x","refreshed_token":"y","version":3}""");

        RemoteResponse response = await SendToAAsync(RemoteEndpoint.ConfirmInvitation, confirm);

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(Err(response), Does.Contain("already accepted"));
        Assert.That((await _a.RecordAsync(_onA.RemoteId)).SiteUrl, Is.EqualTo(_b.SiteUrl));
    }

    [Test]
    public async Task DispatchAsync_ConfirmWithMismatchedPayloadRemoteId_IsRefusedAndChangesNothing()
    {
        var created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new SharedChannels.Connections.CreateConnectionRequest { Name = "pending", Password = "pw" });
        ConnectionRecord pending = await _a.RecordAsync(created.Connection.Id);
        string confirm = Frame(pending.RemoteId, "invitation", $$"""{"remote_id":"{{_onA.RemoteId}}","remote_team_id":"","site_url":"https://evil.test","token":"x","refreshed_token":"y","version":3}""");

        RemoteResponse response = await SendToAAsync(RemoteEndpoint.ConfirmInvitation, confirm, remoteId: pending.RemoteId, token: pending.Token);

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(await _a.RecordAsync(pending.RemoteId), Is.EqualTo(pending));
    }

    [Test]
    public async Task DispatchAsync_ConfirmOnMessageEndpoint_IsRefused()
    {
        var created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new SharedChannels.Connections.CreateConnectionRequest { Name = "pending", Password = "pw" });
        ConnectionRecord pending = await _a.RecordAsync(created.Connection.Id);
        string confirm = Frame(pending.RemoteId, "invitation", $$"""{"remote_id":"{{pending.RemoteId}}","remote_team_id":"","site_url":"https://evil.test","token":"x","version":3}""");

        RemoteResponse response = await SendToAAsync(RemoteEndpoint.Message, confirm, remoteId: pending.RemoteId, token: pending.Token);

        Assert.That(response.StatusCode, Is.EqualTo(401), "the invitation token opens only confirm_invite");
        Assert.That(await _a.RecordAsync(pending.RemoteId), Is.EqualTo(pending));
    }

    [Test]
    public async Task DispatchAsync_PeerRemovalNotice_DeletesConnectionAndLocksPeerOut()
    {
        string body = Frame(_onA.RemoteId, "sdk_connection_removed", $$"""{"remote_id":"{{_onA.RemoteId}}"}""");

        RemoteResponse first = await SendToAAsync(RemoteEndpoint.Message, body);
        RemoteResponse second = await SendToAAsync(RemoteEndpoint.Message, body);

        Assert.That(first.StatusCode, Is.EqualTo(200));
        Assert.That((await _a.RecordAsync(_onA.RemoteId)).DeletedAt, Is.Not.Null);
        Assert.That(second.StatusCode, Is.EqualTo(401), "a deleted connection can no longer authenticate");
    }

    [Test]
    public async Task DispatchAsync_SameFrameIdTwice_IsHandledOnceAndAnsweredAlike()
    {
        var handler = new CountingHandler();
        await using TestWorkspace c = await TestWorkspace.StartAsync("c", _network, _time, services: s => s.AddSingleton<IFrameHandler>(handler));
        string id = await c.ConnectToAsync(_b, "to-b");
        ConnectionRecord onC = await c.RecordAsync(id);
        var request = new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = id, Token = onC.Token, Body = Encoding.UTF8.GetBytes(Frame(id, "counting", "{}", msgId: "frame00000000000000000000a")) };

        // A peer re-signs every attempt, so a retry carries a new timestamp and signature.
        RemoteResponse first = await c.Dispatcher.DispatchAsync(request.Signed(_time));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        RemoteResponse second = await c.Dispatcher.DispatchAsync(request.Signed(_time));
        RemoteResponse other = await c.Dispatcher.DispatchAsync(new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = id, Token = onC.Token, Body = Encoding.UTF8.GetBytes(Frame(id, "counting", "{}", msgId: "frame00000000000000000000b")) }.Signed(_time));

        Assert.That(handler.Calls, Is.EqualTo(2), "the repeated frame id was not handled again");
        Assert.That(second.Body.ToArray(), Is.EqualTo(first.Body.ToArray()));
        Assert.That(Encoding.UTF8.GetString(first.Body.Span), Does.Contain("\"calls\":1"));
        Assert.That(Encoding.UTF8.GetString(other.Body.Span), Does.Contain("\"calls\":2"));
    }

    [Test]
    public async Task DispatchAsync_HandlerRefusesFrame_Answers200WithFailAndRetryIsHandledAgain()
    {
        var handler = new CountingHandler { Refuse = true };
        await using TestWorkspace c = await TestWorkspace.StartAsync("c", _network, _time, services: s => s.AddSingleton<IFrameHandler>(handler));
        string id = await c.ConnectToAsync(_b, "to-b");
        ConnectionRecord onC = await c.RecordAsync(id);
        var request = new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = id, Token = onC.Token, Body = Encoding.UTF8.GetBytes(Frame(id, "counting", "{}")) };

        // A peer re-signs every attempt, so a retry carries a new timestamp and signature.
        RemoteResponse first = await c.Dispatcher.DispatchAsync(request.Signed(_time));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        RemoteResponse second = await c.Dispatcher.DispatchAsync(request.Signed(_time));

        Assert.That(first.StatusCode, Is.EqualTo(200), "failures of a message are reported in the body, as Mattermost does");
        Assert.That(Err(first), Does.Contain("refused on purpose"));
        Assert.That(handler.Calls, Is.EqualTo(2), "a refused frame is not remembered as answered");
        Assert.That(second.StatusCode, Is.EqualTo(200));
    }

    private sealed class CountingHandler : IFrameHandler
    {
        private int _calls;

        public bool Refuse { get; init; }

        public int Calls => _calls;

        public IReadOnlyCollection<string> Topics { get; } = ["counting"];

        public Task<JsonElement> HandleAsync(InboundFrame frame, CancellationToken cancellationToken)
        {
            int calls = Interlocked.Increment(ref _calls);
            if (Refuse)
            {
                throw new SharedChannelsException(SharedChannelsErrorCode.Forbidden, "refused on purpose");
            }

            return Task.FromResult(JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["calls"] = calls }));
        }
    }
}
