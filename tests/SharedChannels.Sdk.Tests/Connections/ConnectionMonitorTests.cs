using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SharedChannels.Connections;
using SharedChannels.Connections.Internal;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Connections;

public sealed class ConnectionMonitorTests
{
    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private Mock<IConnectionObserver> _observer = null!;
    private TestWorkspace _a = null!;
    private TestWorkspace _b = null!;
    private string _id = null!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _observer = new Mock<IConnectionObserver>();
        _observer.Setup(o => o.OnConnectionRecoveredAsync(It.IsAny<ConnectionRecord>(), It.IsAny<bool>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _observer.Setup(o => o.OnConnectionOfflineAsync(It.IsAny<ConnectionRecord>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _observer.Setup(o => o.OnConnectionDeletedAsync(It.IsAny<ConnectionRecord>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _a = await TestWorkspace.StartAsync("a", _network, _time, services: s => s.AddSingleton(_observer.Object));
        _b = await TestWorkspace.StartAsync("b", _network, _time);
        _id = await _a.ConnectToAsync(_b);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    public async Task PingAllAsync_PeerAnswers_RecordsLastPingAt()
    {
        _time.Advance(TimeSpan.FromMinutes(3));

        await _a.Monitor.PingAllAsync();

        Assert.That((await _a.RecordAsync(_id)).LastPingAt, Is.EqualTo(_time.GetUtcNow()));
    }

    [Test]
    public async Task PingAllAsync_PeerDownFiveMinutes_GoesOfflineOnceAndRaisesEvent()
    {
        var events = new List<ConnectionStateChangedEventArgs>();
        _a.Monitor.StateChanged += (_, e) => events.Add(e);
        await _a.Monitor.PingAllAsync();
        _network.SetReachable(_b.SiteUrl, false);

        for (int minute = 1; minute <= 4; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await _a.Monitor.PingAllAsync();
        }

        Assert.That(events, Is.Empty, "still online 4 minutes after the last good ping");
        Assert.That((await _a.Connections.GetAsync(TestWorkspace.Admin, _id))!.State, Is.EqualTo(ConnectionState.Connected));

        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();

        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].PreviousState, Is.EqualTo(ConnectionState.Connected));
        Assert.That(events[0].Connection.State, Is.EqualTo(ConnectionState.Offline));
        Assert.That(events[0].Connection.IsOnline, Is.False);
        _observer.Verify(o => o.OnConnectionOfflineAsync(It.Is<ConnectionRecord>(r => r.RemoteId == _id), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task PingAllAsync_PeerBackAfterOutage_ConnectedAgainAndCatchUpRequested()
    {
        var events = new List<ConnectionStateChangedEventArgs>();
        await _a.Monitor.PingAllAsync();
        _network.SetReachable(_b.SiteUrl, false);
        for (int minute = 1; minute <= 10; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await _a.Monitor.PingAllAsync();
        }

        _a.Monitor.StateChanged += (_, e) => events.Add(e);
        _network.SetReachable(_b.SiteUrl, true);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();

        Assert.That(events.Select(e => (e.PreviousState, e.Connection.State)), Is.EqualTo(new[] { (ConnectionState.Offline, ConnectionState.Connected) }));
        _observer.Verify(o => o.OnConnectionRecoveredAsync(It.Is<ConnectionRecord>(r => r.RemoteId == _id), true, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task PingAllAsync_ShortOutage_CountsAsInterruptionToCatchUp()
    {
        await _a.Monitor.PingAllAsync();
        _network.SetReachable(_b.SiteUrl, false);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();
        _network.SetReachable(_b.SiteUrl, true);
        _time.Advance(TimeSpan.FromMinutes(1));

        await _a.Monitor.PingAllAsync();
        await _a.Monitor.PingAllAsync();

        _observer.Verify(o => o.OnConnectionRecoveredAsync(It.Is<ConnectionRecord>(r => r.RemoteId == _id), false, It.IsAny<CancellationToken>()), Times.Once, "caught up once, not on every later ping");
        _observer.Verify(o => o.OnConnectionOfflineAsync(It.IsAny<ConnectionRecord>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task PingAllAsync_DeletedOrPendingConnections_AreNotPinged()
    {
        await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "pending", Password = "pw" });
        await _a.Connections.DeleteAsync(TestWorkspace.Admin, _id);
        DateTimeOffset? before = (await _a.RecordAsync(_id)).LastPingAt;
        _time.Advance(TimeSpan.FromMinutes(2));

        await _a.Monitor.PingAllAsync();

        Assert.That((await _a.RecordAsync(_id)).LastPingAt, Is.EqualTo(before));
    }

    [Test]
    public async Task RunAsync_Started_PingsAtOnceAndThenEveryInterval()
    {
        using var cts = new CancellationTokenSource();
        _time.Advance(TimeSpan.FromSeconds(10));
        DateTimeOffset start = _time.GetUtcNow();

        Task loop = _a.Monitor.RunAsync(cts.Token);
        await WaitForPingAsync(_a.Store, _id, start);
        _time.Advance(TimeSpan.FromMinutes(1));
        await WaitForPingAsync(_a.Store, _id, start + TimeSpan.FromMinutes(1));
        await cts.CancelAsync();

        Assert.That(async () => await loop, Throws.Nothing, "the loop ends quietly when cancelled");
    }

    private static async Task WaitForPingAsync(IConnectionStore store, string id, DateTimeOffset at)
    {
        // The loop runs on the thread pool; wait (bounded) until it has recorded the ping of that instant.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await store.GetAsync(id))!.LastPingAt != at)
        {
            guard.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
