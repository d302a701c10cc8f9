using System.Text;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;

namespace SharedChannels.Tests.Transport;

public sealed class FrameSignatureTests
{
    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private TestWorkspace _a = null!;
    private TestWorkspace _b = null!;
    private ConnectionRecord _onA = null!;
    private ConnectionRecord _onB = null!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _a = await TestWorkspace.StartAsync("a", _network, _time);
        _b = await TestWorkspace.StartAsync("b", _network, _time);
        string id = await _a.ConnectToAsync(_b);
        _onA = await _a.RecordAsync(id);
        _onB = await _b.RecordAsync(id);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private RemoteRequest PingFromB(long? timestamp, string? signature = null, string? body = null)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body ?? $$$"""{"remote_id":"{{{_onB.RemoteId}}}","msg":{"id":"{{{Guid.NewGuid():N}}}","topic":"ping","create_at":1,"payload":{"sent_at":1} } }""");
        return new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Ping,
            RemoteId = _onB.RemoteId,
            Token = _onB.RemoteToken,
            Body = bytes,
            SignatureTimestamp = timestamp,
            Signature = signature ?? (timestamp is { } t ? FrameSignature.Sign(_onB.RemoteToken!, t, RemoteEndpoint.Ping, bytes) : null),
        };
    }

    [Test]
    public void Confirm_BetweenTwoSdkHosts_SwitchesSignedFramesOnBothSides()
    {
        Assert.That(_onA.PeerSupportsSignedFrames, Is.True);
        Assert.That(_onB.PeerSupportsSignedFrames, Is.True);
    }

    [Test]
    public async Task Ping_SignedByTheSdk_IsAccepted()
    {
        await _b.Monitor.PingAllAsync();

        Assert.That((await _b.RecordAsync(_onB.RemoteId)).LastPingAt, Is.EqualTo(_time.GetUtcNow()));
    }

    [Test]
    public async Task UnsignedRequest_ToAConnectionThatAgreedToSign_Returns401()
    {
        RemoteResponse response = await _a.Dispatcher.DispatchAsync(PingFromB(timestamp: null));

        Assert.That(response.StatusCode, Is.EqualTo(401));
        Assert.That(Encoding.UTF8.GetString(response.Body.Span), Does.Contain("not signed"));
    }

    [Test]
    public async Task TamperedBody_Returns401()
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        RemoteRequest signed = PingFromB(now);
        var tampered = new RemoteRequest { Endpoint = signed.Endpoint, RemoteId = signed.RemoteId, Token = signed.Token, Signature = signed.Signature, SignatureTimestamp = now, Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signed.Body.Span).Replace("\"sent_at\":1", "\"sent_at\":2", StringComparison.Ordinal)) };

        RemoteResponse response = await _a.Dispatcher.DispatchAsync(tampered);

        Assert.That(response.StatusCode, Is.EqualTo(401));
        Assert.That(Encoding.UTF8.GetString(response.Body.Span), Does.Contain("does not match"));
    }

    [Test]
    public async Task SignatureForAnotherEndpoint_Returns401()
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        RemoteRequest ping = PingFromB(now);
        var moved = new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = ping.RemoteId, Token = ping.Token, Body = ping.Body, Signature = ping.Signature, SignatureTimestamp = now };

        RemoteResponse response = await _a.Dispatcher.DispatchAsync(moved);

        Assert.That(response.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task ReplayedSignedRequest_Returns401()
    {
        RemoteRequest signed = PingFromB(_time.GetUtcNow().ToUnixTimeMilliseconds());

        RemoteResponse first = await _a.Dispatcher.DispatchAsync(signed);
        RemoteResponse replay = await _a.Dispatcher.DispatchAsync(signed);

        Assert.That(first.StatusCode, Is.EqualTo(200));
        Assert.That(replay.StatusCode, Is.EqualTo(401));
        Assert.That(Encoding.UTF8.GetString(replay.Body.Span), Does.Contain("replayed"));
    }

    [TestCase(-6)]
    [TestCase(6)]
    public async Task StaleOrFutureSignature_Returns401(int minutes)
    {
        RemoteRequest signed = PingFromB(_time.GetUtcNow().AddMinutes(minutes).ToUnixTimeMilliseconds());

        RemoteResponse response = await _a.Dispatcher.DispatchAsync(signed);

        Assert.That(response.StatusCode, Is.EqualTo(401));
        Assert.That(Encoding.UTF8.GetString(response.Body.Span), Does.Contain("stale"));
    }

    [Test]
    public async Task MattermostStylePeer_WithoutFeatures_IsNeverAskedToSign()
    {
        // A confirmation without sdk_features (as Mattermost sends it) leaves signing off on the inviter.
        var created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new SharedChannels.Connections.CreateConnectionRequest { Name = "mm", Password = "pw" });
        ConnectionRecord pending = await _a.RecordAsync(created.Connection.Id);
        string confirm = $$$"""{"remote_id":"{{{pending.RemoteId}}}","msg":{"id":"{{{Guid.NewGuid():N}}}","topic":"invitation","create_at":1,"payload":{"remote_id":"{{{pending.RemoteId}}}","remote_team_id":"","site_url":"https://mm.test","token":"t2t2t2t2t2t2t2t2t2t2t2t2t2","refreshed_token":"t3t3t3t3t3t3t3t3t3t3t3t3t3","version":3} } }""";

        RemoteResponse reply = await _a.Dispatcher.DispatchAsync(new RemoteRequest { Endpoint = RemoteEndpoint.ConfirmInvitation, RemoteId = pending.RemoteId, Token = pending.Token, Body = Encoding.UTF8.GetBytes(confirm) });
        RemoteResponse unsignedPing = await _a.Dispatcher.DispatchAsync(new RemoteRequest { Endpoint = RemoteEndpoint.Ping, RemoteId = pending.RemoteId, Token = "t3t3t3t3t3t3t3t3t3t3t3t3t3", Body = Encoding.UTF8.GetBytes($$$"""{"remote_id":"{{{pending.RemoteId}}}","msg":{"id":"x1","topic":"ping","create_at":1,"payload":{"sent_at":1} } }""") });

        Assert.That(reply.StatusCode, Is.EqualTo(200));
        Assert.That(Encoding.UTF8.GetString(reply.Body.Span), Is.EqualTo("""{"status":"OK"}"""), "the reply has exactly Mattermost's shape");
        Assert.That((await _a.RecordAsync(pending.RemoteId)).PeerSupportsSignedFrames, Is.False);
        Assert.That(unsignedPing.StatusCode, Is.EqualTo(200));
    }
}
