using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Coordination;
using SharedChannels.Coordination.Internal;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Coordination;

/// <summary>
/// One node of a multi-node workspace ("home", with a lease store the test steers) and its peer: the connection's worker
/// and pings run only while the node holds the lease. The keeper's rounds are run by the tests, and time is fake.
/// </summary>
public sealed class ConnectionLeaseTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";

    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private RecordingTransport _transport = null!;
    private FakeLeaseStore _leases = null!;
    private FakeChangeSignals _signals = null!;
    private TestWorkspace _home = null!;
    private TestWorkspace _remote = null!;
    private string _connection = null!;
    private int _ids;

    private ConnectionLeaseKeeper Keeper => _home.Services.GetRequiredService<ConnectionLeaseKeeper>();

    private ConnectionOwnership Ownership => _home.Services.GetRequiredService<ConnectionOwnership>();

    private ChangeSignalListener Listener => _home.Services.GetRequiredService<ChangeSignalListener>();

    [SetUp]
    public async Task SetUpAsync()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _transport = new RecordingTransport(_network);
        _leases = new FakeLeaseStore { Grant = false };
        _signals = new FakeChangeSignals();
        _home = await TestWorkspace.StartAsync(
            "home",
            _network,
            _time,
            configure: o =>
            {
                o.NodeId = "node-a";
                o.MaxPostsPerSync = 1;
                o.MaxPostsPerSyncToSdkPeers = 1;
                o.MaxSyncRequestsInFlight = 1;
            },
            services: s =>
            {
                s.AddSingleton<IRemoteTransport>(_transport);
                s.AddSingleton<IConnectionLeaseStore>(_leases);
                s.AddSingleton<IChannelChangeSignals>(_signals);
            });
        _remote = await TestWorkspace.StartAsync("r1", _network, _time);
        _connection = await _home.ConnectToAsync(_remote, "r1");
        _home.Content.AddLocalUser(Alice, "alice");
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team-home" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _connection);
        await SettleAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _home.DisposeAsync();
        await _remote.DisposeAsync();
    }

    [Test]
    public void SingleNode_ByDefault_OwnsEveryConnectionAndHasNothingToKeepOrHear()
    {
        using var provider = new ServiceCollection().AddLogging().AddSharedChannels().UseLoopbackTransport(new LoopbackNetwork()).Services.BuildServiceProvider();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.GetRequiredService<ConnectionOwnership>().IsSingleNode, Is.True);
            Assert.That(provider.GetRequiredService<ConnectionOwnership>().Owns("any-connection"), Is.True, "nothing to acquire first");
            Assert.That(provider.GetRequiredService<ConnectionLeaseKeeper>().HasWork, Is.False, "no lease loop");
            Assert.That(provider.GetRequiredService<ChangeSignalListener>().HasWork, Is.False, "no listener");
            Assert.That(provider.GetRequiredService<ChangeSignalPublisher>().IsLocal, Is.True, "nothing published");
        }
    }

    [Test]
    public async Task MultiNode_LeaseHeldElsewhere_NothingIsSentOrPinged()
    {
        await Keeper.RunRoundAsync(CancellationToken.None);
        int before = _transport.Sent.Count;

        string post = CreatePost("while another node owns the connection");
        await SettleAsync();
        await _home.Monitor.PingAllAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Ownership.Owns(_connection), Is.False);
            Assert.That(_transport.Sent.Skip(before).Select(s => s.Topic), Is.Empty, "no sync, no ping: the owner does both");
            Assert.That(PostIdsOnRemote(), Does.Not.Contain(post));
            Assert.That(_signals.Published.Select(s => (s.NodeId, s.ChannelId)), Does.Contain(("node-a", Channel)), "the change is signalled to the owner");
        }
    }

    [Test]
    public async Task MultiNode_LeaseAcquired_WorkerStartsAndSendsFromTheStoredCursorWhatWasMissed()
    {
        string missed = CreatePost("written before this node took over");
        await SettleAsync();
        Assert.That(PostIdsOnRemote(), Does.Not.Contain(missed), "not owned yet");

        _leases.Grant = true;
        await Keeper.RunRoundAsync(CancellationToken.None);
        await Keeper.Resuming;
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Ownership.Owns(_connection), Is.True);
            Assert.That(PostIdsOnRemote(), Does.Contain(missed), "caught up on taking the lease");
            Assert.That(_home.Logs.Lines, Has.Some.Contains("[1601]").And.Contains(_connection));
        }
    }

    [Test]
    public async Task MultiNode_Pings_OnlyWhileTheNodeOwnsTheConnection()
    {
        await Keeper.RunRoundAsync(CancellationToken.None);
        int before = _transport.Sent.Count;
        await _home.Monitor.PingAllAsync();
        int pingsUnowned = _transport.Sent.Skip(before).Count(s => s.Topic == "ping");

        _leases.Grant = true;
        await Keeper.RunRoundAsync(CancellationToken.None);
        await Keeper.Resuming;
        await SettleAsync();
        before = _transport.Sent.Count;
        await _home.Monitor.PingAllAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pingsUnowned, Is.Zero);
            Assert.That(_transport.Sent.Skip(before).Count(s => s.Topic == "ping"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task MultiNode_RenewalRefused_WorkerStopsAndNothingMoreIsSent()
    {
        await TakeLeaseAsync();
        string first = CreatePost("while owned");
        await SettleAsync();

        // Another node holds it now.
        _leases.RenewResult = false;
        _leases.Grant = false;
        await Keeper.RunRoundAsync(CancellationToken.None);
        int before = _transport.Sent.Count;
        string second = CreatePost("after the lease was lost");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Ownership.Owns(_connection), Is.False);
            Assert.That(PostIdsOnRemote(), Does.Contain(first));
            Assert.That(PostIdsOnRemote(), Does.Not.Contain(second));
            Assert.That(_transport.Sent.Skip(before).Select(s => s.Topic), Is.Empty);
            Assert.That(_home.Logs.Lines, Has.Some.Contains("[1602]").And.Contains("another node holds it now"));
        }
    }

    [Test]
    public async Task MultiNode_RenewalsFail_SendsStopAtTheLeaseDeadlineThenTheLeaseIsDropped()
    {
        await TakeLeaseAsync();
        _leases.Down = true;

        // Renewals fail but the lease has not run out: work goes on.
        _time.Advance(SharedChannelsOptions.DefaultConnectionLeaseDuration / 3);
        await Keeper.RunRoundAsync(CancellationToken.None);
        string early = CreatePost("before the deadline");
        await SettleAsync();
        bool ownedBeforeDeadline = Ownership.Owns(_connection);

        // The deadline passes: not one more send, even before the keeper's next round notices.
        _time.Advance(SharedChannelsOptions.DefaultConnectionLeaseDuration);
        int before = _transport.Sent.Count;
        string late = CreatePost("after the deadline");
        await SettleAsync();
        int sentAfterDeadline = _transport.Sent.Skip(before).Count();
        RunRoundWithTheDatabaseDown();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ownedBeforeDeadline, Is.True);
            Assert.That(PostIdsOnRemote(), Does.Contain(early));
            Assert.That(PostIdsOnRemote(), Does.Not.Contain(late));
            Assert.That(sentAfterDeadline, Is.Zero);
            Assert.That(Ownership.TryGet(_connection, out _), Is.False, "dropped by the next round");
            Assert.That(_home.Logs.Lines, Has.Some.Contains("[1604]").And.Contains("The database is down (test)."));
            Assert.That(_home.Logs.Lines, Has.Some.Contains("[1602]").And.Contains("could not be renewed before it ran out"));
        }
    }

    [Test]
    public async Task MultiNode_LeaseLapsedThenRenewed_CatchesUpWhatWasSkippedDuringTheLapse()
    {
        await TakeLeaseAsync();

        // No round ran for longer than the lease (a paused process): changes routed meanwhile are skipped.
        _time.Advance(SharedChannelsOptions.DefaultConnectionLeaseDuration + TimeSpan.FromSeconds(1));
        string skipped = CreatePost("during the lapse");
        await SettleAsync();
        bool sentDuringLapse = PostIdsOnRemote().Contains(skipped);

        // Nobody took the lease meanwhile: the renewal succeeds, and what was skipped goes out.
        await Keeper.RunRoundAsync(CancellationToken.None);
        await Keeper.Resuming;
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sentDuringLapse, Is.False);
            Assert.That(Ownership.Owns(_connection), Is.True);
            Assert.That(PostIdsOnRemote(), Does.Contain(skipped));
        }
    }

    [Test]
    public async Task MultiNode_LeaseLostWhileAPageIsInFlight_NoFurtherPageIsSentAndTheCursorStays()
    {
        await TakeLeaseAsync();
        await SettleAsync();
        string? cursorBefore = await CursorAsync();
        List<string> backlog = await WriteBacklogAsync(3);

        // One post per page and one page at a time: the lease goes while the first page is on its way.
        int pages = 0;
        _transport.Answer = request =>
        {
            if (request.Endpoint == RemoteEndpoint.Message && Encoding.UTF8.GetString(request.Body.Span).Contains("sharedchannel_sync", StringComparison.Ordinal) &&
                Interlocked.Increment(ref pages) == 1)
            {
                Ownership.Drop(_connection, out _);
            }

            return null;
        };
        _home.Sync.NotifyChannelChanged(Channel);
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages, Is.EqualTo(1), "the page in flight went; no page after it");
            Assert.That(PostIdsOnRemote().Intersect(backlog), Is.EqualTo(backlog.Take(1)));
            Assert.That(await CursorAsync(), Is.EqualTo(cursorBefore), "the new owner resends that page: the cursor is not moved by a node without the lease");
        }
    }

    [Test]
    public async Task MultiNode_SignalFromAnotherNode_WakesTheOwnedWorker()
    {
        await TakeLeaseAsync();
        List<string> written = await WriteBacklogAsync(1);
        await SettleAsync();
        Assert.That(PostIdsOnRemote(), Does.Not.Contain(written[0]), "written on another node: nothing woke this one yet");

        Listener.OnChannelChanged(new ChannelChangeSignal("node-b", Channel, null));
        await SettleAsync();

        Assert.That(PostIdsOnRemote(), Does.Contain(written[0]));
    }

    [Test]
    public async Task MultiNode_SignalsMissed_CatchesUpEveryOwnedConnection()
    {
        await TakeLeaseAsync();
        List<string> written = await WriteBacklogAsync(2);

        Listener.OnSignalsMissed();
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostIdsOnRemote(), Is.SupersetOf(written));
            Assert.That(_home.Logs.Lines, Has.Some.Contains("[1607]"));
        }
    }

    [Test]
    public async Task MultiNode_OwnSignal_IsNotRoutedTwice()
    {
        await TakeLeaseAsync();
        List<string> written = await WriteBacklogAsync(1);

        Listener.OnChannelChanged(new ChannelChangeSignal("node-a", Channel, null));
        await SettleAsync();

        Assert.That(PostIdsOnRemote(), Does.Not.Contain(written[0]), "this node routed its own changes when they were reported");
    }

    [Test]
    public async Task MultiNode_ReleaseAllAsync_StopsTheWorkerAndReleasesTheLease()
    {
        await TakeLeaseAsync();

        await Keeper.ReleaseAllAsync(CancellationToken.None);
        string post = CreatePost("after the release");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_leases.Released.Select(l => l.ConnectionId), Is.EqualTo(new[] { _connection }));
            Assert.That(Ownership.Owns(_connection), Is.False);
            Assert.That(PostIdsOnRemote(), Does.Not.Contain(post));
        }
    }

    [Test]
    public async Task MultiNode_ConnectionDeleted_LeaseIsReleased()
    {
        await TakeLeaseAsync();

        await _home.Connections.DeleteAsync(TestWorkspace.Admin, _connection);
        await Keeper.RunRoundAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_leases.Released.Select(l => l.ConnectionId), Is.EqualTo(new[] { _connection }));
            Assert.That(Ownership.TryGet(_connection, out _), Is.False);
        }
    }

    /// <summary>A round drops the lease it could not renew, then fails taking it again (the loop logs that and goes on).</summary>
    private void RunRoundWithTheDatabaseDown()
    {
        SharedChannelsException? failure = Assert.ThrowsAsync<SharedChannelsException>(() => Keeper.RunRoundAsync(CancellationToken.None));
        Assert.That(failure?.Message, Does.Contain("down"));
    }

    [Test]
    public async Task MultiNode_HostedService_TakesAndRenewsLeasesEveryThirdOfTheLeaseDuration()
    {
        var leases = new FakeLeaseStore { Grant = false };
        await using TestWorkspace node = await TestWorkspace.StartAsync(
            "node",
            _network,
            _time,
            configure: o => o.NodeId = "node-c",
            store: _home.Store,
            services: s => s.AddSingleton<IConnectionLeaseStore>(leases),
            runBackgroundMonitor: true);
        ConnectionOwnership ownership = node.Services.GetRequiredService<ConnectionOwnership>();
        TimeSpan interval = SharedChannelsOptions.DefaultConnectionLeaseDuration / 3;

        leases.Grant = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!ownership.Owns(_connection))
        {
            // The loop may be between rounds or inside one: step the fake clock until the next round has run.
            _time.Advance(interval);
            await Task.Delay(10, timeout.Token);
        }

        // Renewed: after many lease durations, never lost (the clock may run ahead of a round for a moment, but the
        // round due then renews).
        for (int i = 0; i < 30; i++)
        {
            _time.Advance(interval);
            await Task.Delay(5, timeout.Token);
        }

        while (!ownership.Owns(_connection))
        {
            await Task.Delay(10, timeout.Token);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(node.Logs.Lines, Has.Some.Contains("[1600]").And.Contains("node-c"));
            Assert.That(node.Logs.Lines, Has.None.Contains("[1602]"));
        }
    }

    private async Task TakeLeaseAsync()
    {
        _leases.Grant = true;
        await Keeper.RunRoundAsync(CancellationToken.None);
        await Keeper.Resuming;
        await SettleAsync();
        Assert.That(Ownership.Owns(_connection), Is.True, "the lease was taken");
    }

    private string CreatePost(string message)
    {
        string id = $"post{Interlocked.Increment(ref _ids):D22}";
        _home.Content.CreatePost(id, Channel, Alice, message);
        return id;
    }

    /// <summary>Posts written without telling this node's sync: as another node of the workspace would write them.</summary>
    private async Task<List<string>> WriteBacklogAsync(int count)
    {
        var ids = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string id = $"post{Interlocked.Increment(ref _ids):D22}";
            DateTimeOffset now = _time.GetUtcNow();
            await _home.Content.UpsertPostAsync(new Post { Id = id, ChannelId = Channel, UserId = Alice, Message = $"backlog {i}", CreateAt = now, UpdateAt = now });
            ids.Add(id);
        }

        return ids;
    }

    private async Task<string?> CursorAsync() =>
        (await _home.Services.GetRequiredService<ISyncStateStore>().GetCursorAsync(Channel, _connection))?.Cursor;

    private List<string> PostIdsOnRemote() => [.. _remote.Content.GetPosts(Channel).Select(p => p.Id)];

    private Task SettleAsync() => TestWorkspace.SettleAsync(_home, _remote);
}
