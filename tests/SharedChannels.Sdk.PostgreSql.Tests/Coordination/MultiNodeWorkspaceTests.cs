using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Coordination.Internal;
using SharedChannels.Invitations;
using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Sharing;
using SharedChannels.Sync;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.PostgreSql.Tests.Coordination;

/// <summary>
/// Two nodes of one workspace ("home") over one PostgreSQL database, sharing the host's content, and a peer ("r1"):
/// one node owns the connection and sends; when it goes, the other takes over and sends from the stored cursor. Real
/// time, a 1-second lease.
/// </summary>
[Category("Integration")]
public sealed class MultiNodeWorkspaceTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";
    private const string Admin = "admin000000000000000000000";
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private TemporaryDatabase? _database;
    private readonly List<Host> _hosts = [];
    private LoopbackNetwork _network = null!;
    private InMemoryChatContent _homeContent = null!;
    private InMemoryPermissionChecker _permissions = null!;
    private int _ids;

    [SetUp]
    public async Task SetUpAsync()
    {
        _database = await TemporaryDatabase.CreateAsync();
        _network = new LoopbackNetwork();
        _permissions = new InMemoryPermissionChecker();
        _permissions.AddSystemAdmin(Admin);
        _homeContent = new InMemoryChatContent(TimeProvider.System);
        _homeContent.AddLocalUser(Admin, "admin-home");
        _homeContent.AddLocalUser(Alice, "alice");
        _homeContent.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team-home" });
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        foreach (Host host in Enumerable.Reverse(_hosts))
        {
            await host.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    public async Task MultiNode_OwnerDies_OtherNodeTakesOverAndSendsFromTheStoredCursor()
    {
        // Only node A hears the host's changes directly: node B learns of them through the change signals.
        Host nodeA = await StartHomeNodeAsync("node-a", hearsContent: true);
        Host nodeB = await StartHomeNodeAsync("node-b", hearsContent: false);
        Host peer = await StartPeerAsync();
        string connection = await ConnectAsync(nodeA, peer);
        (Host owner, Host other) = await WaitForOwnerAsync(connection, nodeA, nodeB);
        TestContext.Out.WriteLine($"{owner.Name} took the lease of the connection.");
        await nodeA.Get<ChannelSharing>().InviteAsync(Admin, Channel, connection);

        // Live: wherever the change is reported, the owner sends it.
        var clock = Stopwatch.StartNew();
        string live = CreatePost("live");
        await WaitForPostOnPeerAsync(peer, live);
        TestContext.Out.WriteLine($"Live post reached the peer in {clock.Elapsed.TotalMilliseconds:F0} ms (reported on node A, sent by {owner.Name}).");
        Assert.That(other.Transport.Count("sharedchannel_sync"), Is.Zero, "only the owner sends");

        // The owner loses its database (as good as dead to the others): it cannot renew, so it stops at the lease's
        // deadline, and the other node takes the lease when it has expired in the database: a lease duration after the
        // owner's last renewal (up to a third of it before the loss), plus up to a third for the other node's next try.
        await owner.Get<PostgreSqlStorage>().DisposeAsync();
        clock.Restart();
        string missed = await WritePostSilentlyAsync("written while the owner was dying");
        await WaitAsync("the other node to take the lease", () => other.Get<ConnectionOwnership>().Owns(connection));
        TimeSpan handover = clock.Elapsed;
        await WaitForPostOnPeerAsync(peer, missed);

        // The dead owner's fence closed at its local deadline, before the database let the lease go; its keeper drops
        // the lease at its next round after that.
        await WaitAsync("the dead owner to drop the lease", () => owner.Logs.Lines.Any(l => l.Contains("[1602]", StringComparison.Ordinal)));
        TestContext.Out.WriteLine(
            $"Handover: {other.Name} owned the connection {handover.TotalMilliseconds:F0} ms after {owner.Name} lost its database, and the post written meanwhile reached the peer after {clock.Elapsed.TotalMilliseconds:F0} ms (lease {LeaseDuration.TotalMilliseconds:F0} ms, renewed every {LeaseDuration.TotalMilliseconds / 3:F0} ms).");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(owner.Get<ConnectionOwnership>().Owns(connection), Is.False, "the dead owner stopped");
            Assert.That(peer.Content.GetPosts(Channel).Select(p => p.Id), Does.Contain(live).And.Contain(missed));
            Assert.That(other.Logs.Lines, Has.Some.Contains("[1601]"), "the new owner logged the take-over");
        }
    }

    [Test]
    public async Task MultiNode_OwnerStops_ReleasesAndTheOtherNodeTakesOverAtItsNextRound()
    {
        Host nodeA = await StartHomeNodeAsync("node-a", hearsContent: true);
        Host nodeB = await StartHomeNodeAsync("node-b", hearsContent: false);
        Host peer = await StartPeerAsync();
        string connection = await ConnectAsync(nodeA, peer);
        (Host owner, Host other) = await WaitForOwnerAsync(connection, nodeA, nodeB);
        await nodeA.Get<ChannelSharing>().InviteAsync(Admin, Channel, connection);

        var clock = Stopwatch.StartNew();
        await owner.StopAsync();
        TimeSpan stopped = clock.Elapsed;
        await WaitAsync("the other node to take the lease", () => other.Get<ConnectionOwnership>().Owns(connection));
        TestContext.Out.WriteLine($"Graceful handover: {owner.Name} stopped in {stopped.TotalMilliseconds:F0} ms and {other.Name} owned the connection {clock.Elapsed.TotalMilliseconds:F0} ms after the stop began (renewal interval {LeaseDuration.TotalMilliseconds / 3:F0} ms).");

        string post = await WritePostSilentlyAsync("after the handover");
        other.Get<SharedChannelSync>().NotifyChannelChanged(Channel);
        await WaitForPostOnPeerAsync(peer, post);
        Assert.That(owner.Logs.Lines, Has.Some.Contains("[1603]"), "released, not left to expire");
    }

    [Test]
    public async Task MultiNode_ChangeReportedOnANodeThatDoesNotOwnTheConnection_ReachesThePeerThroughTheOwner()
    {
        // Node B starts alone and takes the lease; node A, which hears the host's changes, starts after.
        Host nodeB = await StartHomeNodeAsync("node-b", hearsContent: false);
        Host peer = await StartPeerAsync();
        string connection = await ConnectAsync(nodeB, peer);
        await WaitAsync("node B to take the lease", () => nodeB.Get<ConnectionOwnership>().Owns(connection));
        Host nodeA = await StartHomeNodeAsync("node-a", hearsContent: true);
        await nodeA.Get<ChannelSharing>().InviteAsync(Admin, Channel, connection);
        await WaitAsync("node A to listen", () => nodeA.Logs.Lines.Any(l => l.Contains("[1650]", StringComparison.Ordinal)));

        var latencies = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            string post = CreatePost($"live {i}");
            await WaitForPostOnPeerAsync(peer, post);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        TestContext.Out.WriteLine($"Reported on node A, sent by node B through NOTIFY: {string.Join(", ", latencies.Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms (no polling: the lease renewal interval is {LeaseDuration.TotalMilliseconds / 3:F0} ms, the ping interval a minute).");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(nodeA.Get<ConnectionOwnership>().Owns(connection), Is.False);
            Assert.That(nodeA.Transport.Count("sharedchannel_sync"), Is.Zero, "node A sends nothing");
            Assert.That(nodeB.Transport.Count("sharedchannel_sync"), Is.GreaterThanOrEqualTo(5));
        }
    }

    private async Task<Host> StartHomeNodeAsync(string nodeId, bool hearsContent)
    {
        var host = await Host.StartAsync(
            nodeId,
            "https://home.test",
            _network,
            _homeContent,
            _permissions,
            o =>
            {
                o.NodeId = nodeId;
                o.ConnectionLeaseDuration = LeaseDuration;
            },
            b => b.UsePostgreSqlStorage(_database!.ConnectionString),
            hearsContent);
        _hosts.Add(host);
        return host;
    }

    private async Task<Host> StartPeerAsync()
    {
        var content = new InMemoryChatContent(TimeProvider.System);
        content.AddLocalUser(Admin, "admin-r1");
        Host host = await Host.StartAsync("r1", "https://r1.test", _network, content, _permissions, _ => { }, _ => { }, hearsContent: true);
        _hosts.Add(host);
        return host;
    }

    private static async Task<string> ConnectAsync(Host home, Host peer)
    {
        ConnectionInvitation invitation = await home.Get<SecureConnections>().CreateAsync(Admin, new CreateConnectionRequest { Name = "r1", Password = "pw" });
        await peer.Get<SecureConnections>().AcceptAsync(Admin, new AcceptInvitationRequest { Name = "home", InvitationCode = invitation.InvitationCode, Password = "pw" });
        return invitation.Connection.Id;
    }

    private static async Task<(Host Owner, Host Other)> WaitForOwnerAsync(string connection, Host a, Host b)
    {
        await WaitAsync("a node to take the lease", () => a.Get<ConnectionOwnership>().Owns(connection) || b.Get<ConnectionOwnership>().Owns(connection));
        bool aOwns = a.Get<ConnectionOwnership>().Owns(connection);
        Assert.That(aOwns && b.Get<ConnectionOwnership>().Owns(connection), Is.False, "never both");
        return aOwns ? (a, b) : (b, a);
    }

    private string CreatePost(string message)
    {
        string id = $"post{Interlocked.Increment(ref _ids):D22}";
        _homeContent.CreatePost(id, Channel, Alice, message);
        return id;
    }

    /// <summary>A post no node is told of: only a catch-up from the cursor sends it.</summary>
    private async Task<string> WritePostSilentlyAsync(string message)
    {
        string id = $"post{Interlocked.Increment(ref _ids):D22}";
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        await _homeContent.UpsertPostAsync(new Post { Id = id, ChannelId = Channel, UserId = Alice, Message = message, CreateAt = now, UpdateAt = now });
        return id;
    }

    private static Task WaitForPostOnPeerAsync(Host peer, string postId) =>
        WaitAsync($"post {postId} on the peer", () => peer.Content.GetPosts(Channel).Any(p => p.Id == postId));

    private static async Task WaitAsync(string what, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Timeout)
            {
                Assert.Fail($"Waited {Timeout.TotalSeconds} s for {what}, in vain.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>One SDK process on the loopback network, with its hosted services running.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly IHostedService[] _hosted;
        private bool _stopped;

        private Host(string name, ServiceProvider provider, IHostedService[] hosted, InMemoryChatContent content, CountingTransport transport, CapturingLoggerProvider logs)
        {
            Name = name;
            _provider = provider;
            _hosted = hosted;
            Content = content;
            Transport = transport;
            Logs = logs;
        }

        public string Name { get; }

        public InMemoryChatContent Content { get; }

        public CountingTransport Transport { get; }

        public CapturingLoggerProvider Logs { get; }

        public static async Task<Host> StartAsync(
            string name,
            string siteUrl,
            LoopbackNetwork network,
            InMemoryChatContent content,
            InMemoryPermissionChecker permissions,
            Action<SharedChannelsOptions> configure,
            Action<ISharedChannelsBuilder> storage,
            bool hearsContent)
        {
            var logs = new CapturingLoggerProvider();
            var transport = new CountingTransport(new LoopbackTransport(network));
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            services.AddSingleton(InvitationKeyDerivationCost.CheapForTestsOnly);
            ISharedChannelsBuilder builder = services.AddSharedChannels(o =>
                {
                    o.EnableRemoteClusterService = true;
                    o.EnableSharedChannels = true;
                    o.SiteUrl = siteUrl;
                    configure(o);
                })
                .UseLoopbackTransport(network)
                .UsePermissionChecker(permissions)
                .UseInMemoryContent(content);
            storage(builder);
            services.AddSingleton<IRemoteTransport>(transport);
            ServiceProvider provider = services.BuildServiceProvider();
            IHostedService[] hosted = [.. provider.GetServices<IHostedService>().Where(h => hearsContent || h.GetType().Name != "InMemoryContentNotifier")];
            foreach (IHostedService service in hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }

            return new Host(name, provider, hosted, content, transport, logs);
        }

        public T Get<T>()
            where T : notnull => _provider.GetRequiredService<T>();

        public async Task StopAsync()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            foreach (IHostedService service in _hosted.Reverse())
            {
                await service.StopAsync(CancellationToken.None);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _provider.DisposeAsync();
        }
    }

    /// <summary>Counts the frames a node sent, by topic.</summary>
    private sealed class CountingTransport(IRemoteTransport inner) : IRemoteTransport
    {
        private readonly ConcurrentDictionary<string, int> _topics = new(StringComparer.Ordinal);

        public int Count(string topic) => _topics.TryGetValue(topic, out int count) ? count : 0;

        public Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
        {
            if (request.Endpoint is RemoteEndpoint.Message or RemoteEndpoint.Ping)
            {
                using JsonDocument frame = JsonDocument.Parse(request.Body);
                string topic = frame.RootElement.GetProperty("msg").GetProperty("topic").GetString() ?? string.Empty;
                _topics.AddOrUpdate(topic, 1, (_, n) => n + 1);
            }

            return inner.SendAsync(siteUrl, request, cancellationToken);
        }
    }
}
