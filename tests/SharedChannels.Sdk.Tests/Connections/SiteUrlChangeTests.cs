using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Connections;

/// <summary>A peer that moves (new host name or port): an admin updates its URL, or an SDK peer announces it.</summary>
public sealed class SiteUrlChangeTests
{
    private const string MovedB = "https://b-moved.test";

    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private IConnectionStore _storeB = null!;
    private TestWorkspace _a = null!;
    private TestWorkspace _b = null!;
    private string _id = null!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _storeB = TestWorkspace.NewStore();
        _a = await TestWorkspace.StartAsync("a", _network, _time);
        _b = await TestWorkspace.StartAsync("b", _network, _time, store: _storeB);
        _id = await _a.ConnectToAsync(_b);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    public async Task UpdateAsync_SiteUrl_StoresItTrimmedAndPingsReachThePeerThere()
    {
        MovePeerOnNetwork();
        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();
        Assert.That((await _a.RecordAsync(_id)).LastPingAt, Is.LessThan(_time.GetUtcNow()), "the old address no longer answers");

        RemoteConnection updated = await _a.Connections.UpdateAsync(TestWorkspace.Admin, _id, new UpdateConnectionRequest { SiteUrl = MovedB + "/" });
        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(updated.SiteUrl, Is.EqualTo(MovedB));
            Assert.That((await _a.RecordAsync(_id)).SiteUrl, Is.EqualTo(MovedB));
            Assert.That((await _a.RecordAsync(_id)).LastPingAt, Is.EqualTo(_time.GetUtcNow()), "the next request went to the new address");
            Assert.That(_a.Logs.AllText, Does.Contain(MovedB).And.Contain("https://b.test"));
        }
    }

    [Test]
    public async Task UpdateAsync_SiteUrl_NextSyncReachesThePeerAtItsNewAddress()
    {
        await using SharedChannelPair pair = await SharedChannelPair.StartAsync();
        const string moved = "https://r1-moved.test";
        pair.Network.Detach(pair.Remote.SiteUrl);
        pair.Network.Attach(moved, () => pair.Remote.Dispatcher);
        List<string> missed = await pair.WriteBacklogAsync(3);
        pair.Home.Sync.NotifyChannelChanged(SharedChannelPair.Channel);
        await pair.SettleAsync();
        Assert.That(pair.PostIdsOnRemote(), Is.Empty, "the old address no longer answers");

        await pair.Home.Connections.UpdateAsync(TestWorkspace.Admin, pair.ConnectionId, new UpdateConnectionRequest { SiteUrl = moved });
        pair.Time.Advance(TimeSpan.FromMinutes(1));
        await pair.Home.Monitor.PingAllAsync();
        await pair.SettleAsync();

        Assert.That(pair.PostIdsOnRemote(), Is.EqualTo(missed));
    }

    [TestCase("ftp://b-moved.test")]
    [TestCase("b-moved.test")]
    [TestCase("/relative/path")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("javascript:alert(1)")]
    public async Task UpdateAsync_InvalidSiteUrl_ThrowsInvalidArgumentAndChangesNothing(string siteUrl)
    {
        ConnectionRecord before = await _a.RecordAsync(_id);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.UpdateAsync(TestWorkspace.Admin, _id, new UpdateConnectionRequest { SiteUrl = siteUrl, DisplayName = "renamed" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("absolute http or https URL"));
        Assert.That(await _a.RecordAsync(_id), Is.EqualTo(before));
    }

    [Test]
    public async Task UpdateAsync_SiteUrlOfPendingInvitation_ThrowsInvalidState()
    {
        ConnectionInvitation pending = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "pending", Password = "pw" });

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.UpdateAsync(TestWorkspace.Admin, pending.Connection.Id, new UpdateConnectionRequest { SiteUrl = MovedB }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
        Assert.That(ex.Message, Does.Contain("pending"));
        Assert.That((await _a.RecordAsync(pending.Connection.Id)).SiteUrl, Is.Null);
    }

    [Test]
    public async Task Start_PeerRestartedUnderNewSiteUrl_AnnouncesItAndIsReachedAgainWithoutAdmin()
    {
        await _b.DisposeAsync();
        _b = await TestWorkspace.StartAsync("b", _network, _time, o => o.SiteUrl = MovedB, store: _storeB, runBackgroundMonitor: true);
        await ResumedAsync(_b);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();

        ConnectionRecord onA = await _a.RecordAsync(_id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onA.SiteUrl, Is.EqualTo(MovedB));
            Assert.That(onA.LastPingAt, Is.EqualTo(_time.GetUtcNow()), "A reaches B at its new address");
            Assert.That(_a.Logs.AllText, Does.Contain("announced its new site URL"));
        }
    }

    [Test]
    public async Task Start_SiteUrlUnchanged_AnnouncementChangesNothing()
    {
        ConnectionRecord before = await _a.RecordAsync(_id);
        await _b.DisposeAsync();
        _b = await TestWorkspace.StartAsync("b", _network, _time, store: _storeB, runBackgroundMonitor: true);
        await ResumedAsync(_b);

        Assert.That(await _a.RecordAsync(_id), Is.EqualTo(before));
        Assert.That(_b.Logs.AllText, Does.Contain("Announced this workspace's site URL"), "the announcement was sent and accepted");
        Assert.That(_a.Logs.AllText, Does.Not.Contain("announced its new site URL"));
    }

    [Test]
    public async Task Start_MattermostPeer_IsNeverSentAnAnnouncement()
    {
        ConnectionRecord onB = await _b.RecordAsync(_id);
        await _storeB.UpdateAsync(onB with { PeerSupportsSignedFrames = false });
        await _a.Store.UpdateAsync(await _a.RecordAsync(_id) with { PeerSupportsSignedFrames = false });
        await _b.DisposeAsync();
        var transport = new RecordingTransport(_network);
        _b = await TestWorkspace.StartAsync("b", _network, _time, o => o.SiteUrl = MovedB, store: _storeB, services: s => s.AddSingleton<IRemoteTransport>(transport), runBackgroundMonitor: true);
        await ResumedAsync(_b);

        Assert.That(transport.Sent.Select(s => s.Topic), Has.None.EqualTo(Topics.SiteUrlChanged));
        Assert.That((await _a.RecordAsync(_id)).SiteUrl, Is.EqualTo("https://b.test"));
    }

    [Test]
    public async Task Announcement_ForOtherConnection_IsRefusedAndChangesNothing()
    {
        ConnectionRecord before = await _a.RecordAsync(_id);

        RemoteResponse response = await _a.Dispatcher.DispatchAsync(await AnnouncementFromBAsync("otherconnection00000000000", MovedB, signed: true));

        Assert.That(WireFormat.TryReadReply(response.Body.Span)?.IsOk, Is.False, "refused in the reply, as /msg answers failures");
        Assert.That(await _a.RecordAsync(_id), Is.EqualTo(before));
        Assert.That(_a.Logs.AllText, Does.Contain("Refused the site URL announcement"));
    }

    [TestCase("ftp://b-moved.test")]
    [TestCase("b-moved.test")]
    [TestCase("")]
    public async Task Announcement_NotAnHttpUrl_IsRefusedAndChangesNothing(string siteUrl)
    {
        ConnectionRecord before = await _a.RecordAsync(_id);

        RemoteResponse response = await _a.Dispatcher.DispatchAsync(await AnnouncementFromBAsync(_id, siteUrl, signed: true));

        Assert.That(WireFormat.TryReadReply(response.Body.Span)?.IsOk, Is.False, "refused in the reply, as /msg answers failures");
        Assert.That(await _a.RecordAsync(_id), Is.EqualTo(before));
    }

    [Test]
    public async Task Announcement_Unsigned_IsRefusedAndChangesNothing()
    {
        ConnectionRecord before = await _a.RecordAsync(_id);

        RemoteResponse response = await _a.Dispatcher.DispatchAsync(await AnnouncementFromBAsync(_id, MovedB, signed: false));

        Assert.That(response.StatusCode, Is.EqualTo(401));
        Assert.That(await _a.RecordAsync(_id), Is.EqualTo(before));
    }

    [Test]
    public async Task Announcement_OnConnectionWithoutSignedFrames_IsRefusedAndChangesNothing()
    {
        // As from a Mattermost peer: the token alone authenticates, and that is not enough to redirect the connection.
        await _a.Store.UpdateAsync(await _a.RecordAsync(_id) with { PeerSupportsSignedFrames = false });
        ConnectionRecord before = await _a.RecordAsync(_id);

        RemoteResponse response = await _a.Dispatcher.DispatchAsync(await AnnouncementFromBAsync(_id, MovedB, signed: false));

        Assert.That(WireFormat.TryReadReply(response.Body.Span)?.IsOk, Is.False, "refused in the reply, as /msg answers failures");
        Assert.That(await _a.RecordAsync(_id), Is.EqualTo(before));
    }

    [Test]
    public async Task Announcement_Valid_UpdatesTheSiteUrl()
    {
        RemoteResponse response = await _a.Dispatcher.DispatchAsync(await AnnouncementFromBAsync(_id, MovedB + "/", signed: true));

        Assert.That(WireFormat.TryReadReply(response.Body.Span)?.IsOk, Is.True);
        Assert.That((await _a.RecordAsync(_id)).SiteUrl, Is.EqualTo(MovedB));
    }

    private void MovePeerOnNetwork()
    {
        _network.Detach(_b.SiteUrl);
        _network.Attach(MovedB, () => _b.Dispatcher);
    }

    private static Task ResumedAsync(TestWorkspace workspace) =>
        workspace.Services.GetServices<IHostedService>().OfType<SharedChannelsHostedService>().Single().Resumed;

    private async Task<RemoteRequest> AnnouncementFromBAsync(string payloadRemoteId, string siteUrl, bool signed)
    {
        ConnectionRecord onB = await _b.RecordAsync(_id);
        var request = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Message,
            RemoteId = _id,
            Token = onB.RemoteToken,
            Body = WireFormat.Frame(_id, Topics.SiteUrlChanged, _time.GetUtcNow().ToUnixTimeMilliseconds(), new SiteUrlChangedDto { RemoteId = payloadRemoteId, SiteUrl = siteUrl }, WireJsonContext.Default.SiteUrlChangedDto),
        };
        return signed ? request.Signed(_time) : request;
    }
}
