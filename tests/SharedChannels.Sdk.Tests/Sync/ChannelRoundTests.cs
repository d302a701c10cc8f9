using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SharedChannels.Content;
using SharedChannels.Coordination;
using SharedChannels.Coordination.Internal;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Tests.Coordination;
using SharedChannels.Storage.InMemory;
using SharedChannels.Sync.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Sync;

/// <summary>One round of pages toward a connection: the cursor only moves past the leading pages the peer accepted.</summary>
public sealed class ChannelRoundTests
{
    private const string Channel = "chan0000000000000000000000";
    private const string Connection = "conn00000000000000000000aa";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private InMemorySharedChannelStore _channels = null!;
    private InMemoryConnectionStore _connections = null!;
    private InMemorySyncStateStore _syncState = null!;
    private FakeTimeProvider _time = null!;
    private ConcurrentQueue<string> _sent = null!;
    private Dictionary<string, Func<Task<bool>>> _answers = null!;
    private Mock<IChannelContent> _content = null!;
    private ServiceProvider _services = null!;
    private ConnectionOwnership _ownership = null!;

    [SetUp]
    public async Task SetUp()
    {
        _channels = new();
        _connections = new();
        _syncState = new();
        _time = new(Now);
        _sent = new();
        _answers = new(StringComparer.Ordinal);
        _content = new();
        _ownership = new ConnectionOwnership(new SingleNodeConnectionLeaseStore(), _time, "node");
        var users = new Mock<IUserDirectory>();
        users.Setup(u => u.GetUserAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string id, CancellationToken _) => ValueTask.FromResult<ChatUser?>(new ChatUser { Id = id, Username = id }));
        users.Setup(u => u.FindByUsernameAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(() => ValueTask.FromResult<ChatUser?>(null));

        // Three pages: "" → c1 → c2 → c3, one post each.
        string?[] cursors = [null, "c1", "c2"];
        for (int i = 0; i < cursors.Length; i++)
        {
            var page = new ChannelChanges
            {
                NextCursor = $"c{i + 1}",
                HasMore = i < cursors.Length - 1,
                Posts = [new Post { Id = $"post{i + 1}", ChannelId = Channel, UserId = "alice", Message = "hi", CreateAt = Now, UpdateAt = Now }],
            };
            _content.Setup(c => c.ReadChangesAsync(Channel, cursors[i], It.IsAny<int>(), It.IsAny<CancellationToken>())).Returns(() => ValueTask.FromResult(page));
        }

        _services = new ServiceCollection()
            .AddSingleton(_content.Object)
            .AddSingleton(users.Object)
            .AddSingleton(Mock.Of<ISystemMessages>())
            .BuildServiceProvider();
        await _channels.UpsertChannelAsync(new SharedChannel { ChannelId = Channel, CreatedAt = Now });
        await _channels.UpsertRemoteAsync(new SharedChannelRemote { ChannelId = Channel, ConnectionId = Connection, InvitationAccepted = true, CreatedAt = Now });
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    [Test]
    public async Task RunAsync_EveryPageAccepted_MovesTheCursorPastTheLast()
    {
        await AddConnectionAsync(sdkPeer: true);

        bool more = await NewRound().RunAsync(Connection, Channel, CancellationToken.None);

        Assert.That(more, Is.False);
        Assert.That(_sent, Is.EqualTo(new[] { "post1", "post2", "post3" }), "a peer running the SDK gets a round of pages at once");
        Assert.That(await CursorAsync(), Is.EqualTo("c3"));
    }

    [Test]
    public async Task RunAsync_MiddlePageFails_MovesTheCursorOnlyPastTheFirstAndFails()
    {
        await AddConnectionAsync(sdkPeer: true);
        _answers["post2"] = () => Task.FromException<bool>(new SharedChannelsException(SharedChannelsErrorCode.RemoteUnreachable, "down", isTransient: true));

        Assert.That(() => NewRound().RunAsync(Connection, Channel, CancellationToken.None), Throws.TypeOf<SharedChannelsException>());

        Assert.That(_sent, Has.Count.EqualTo(3));
        Assert.That(await CursorAsync(), Is.EqualTo("c1"), "page 3 was accepted, but after one that was not");
    }

    [Test]
    public async Task RunAsync_FirstPageFails_LeavesTheCursorWhereItWas()
    {
        await AddConnectionAsync(sdkPeer: true);
        _answers["post1"] = () => Task.FromException<bool>(new SharedChannelsException(SharedChannelsErrorCode.RemoteUnreachable, "down", isTransient: true));

        Assert.That(() => NewRound().RunAsync(Connection, Channel, CancellationToken.None), Throws.TypeOf<SharedChannelsException>());

        Assert.That(await CursorAsync(), Is.Null);
    }

    [Test]
    public async Task RunAsync_MattermostPeer_SendsOnePageAndSaysMoreFollow()
    {
        await AddConnectionAsync(sdkPeer: false);

        bool more = await NewRound().RunAsync(Connection, Channel, CancellationToken.None);

        Assert.That(more, Is.True);
        Assert.That(_sent, Is.EqualTo(new[] { "post1" }));
        Assert.That(await CursorAsync(), Is.EqualTo("c1"));
    }

    [Test]
    public async Task MultiNode_RunAsync_LeaseLostWhileTheFirstPageIsInFlight_SendsNoFurtherPageAndLeavesTheCursor()
    {
        await AddConnectionAsync(sdkPeer: true);
        _ownership = new ConnectionOwnership(new FakeLeaseStore(), _time, "node-a");
        _ownership.Hold(new ConnectionLease(Connection, "node-a", 1), _time.GetTimestamp(), TimeSpan.FromSeconds(5));
        _answers["post1"] = () =>
        {
            // The keeper learns the lease is gone while page 1 is on its way (pages 2 and 3 would follow at once).
            _ownership.Drop(Connection, out _);
            return Task.FromResult(true);
        };

        SharedChannelsException? stopped = Assert.ThrowsAsync<SharedChannelsException>(() => NewRound().RunAsync(Connection, Channel, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stopped?.Message, Does.Contain("no longer holds the lease"));
            Assert.That(_sent, Is.EqualTo(new[] { "post1" }), "nothing is sent after the node knows it lost the lease");
            Assert.That(await CursorAsync(), Is.Null, "the new owner resends page 1; this node does not move the cursor");
        }
    }

    [Test]
    public async Task MultiNode_RunAsync_LeaseDeadlinePassed_SendsNothing()
    {
        await AddConnectionAsync(sdkPeer: true);
        _ownership = new ConnectionOwnership(new FakeLeaseStore(), _time, "node-a");
        _ownership.Hold(new ConnectionLease(Connection, "node-a", 1), _time.GetTimestamp(), TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(() => NewRound().RunAsync(Connection, Channel, CancellationToken.None), Throws.TypeOf<SharedChannelsException>());

        Assert.That(_sent, Is.Empty, "renewals failed until the lease ran out: the fence holds without the keeper");
    }

    [Test]
    public void AcceptedLeadingPages_CountsOnlyTheUnbrokenRunOfAcceptedSends()
    {
        Task<bool>[] sends = [Task.FromResult(true), Task.FromResult(true), Task.FromResult(false), Task.FromResult(true)];
        Task<bool>[] failedFirst = [Task.FromException<bool>(new InvalidOperationException()), Task.FromResult(true)];

        Assert.That(ChannelRound.AcceptedLeadingPages(sends), Is.EqualTo(2));
        Assert.That(ChannelRound.AcceptedLeadingPages(failedFirst), Is.Zero);
    }

    private ChannelRound NewRound()
    {
        var options = new Mock<IOptionsMonitor<SharedChannelsOptions>>();
        options.Setup(o => o.CurrentValue).Returns(new SharedChannelsOptions { MaxSyncRequestsInFlight = 3 });
        var sender = new Mock<ISyncBatchSender>();
        sender.Setup(s => s.SendAsync(It.IsAny<ConnectionRecord>(), It.IsAny<SharedChannel>(), It.IsAny<SyncMsgDto>(), It.IsAny<CancellationToken>()))
            .Returns((ConnectionRecord _, SharedChannel _, SyncMsgDto message, CancellationToken _) =>
            {
                string post = message.Posts!.Single().Id!;
                _sent.Enqueue(post);
                return _answers.TryGetValue(post, out Func<Task<bool>>? answer) ? answer() : Task.FromResult(true);
            });
        return new ChannelRound(
            _channels,
            _connections,
            _syncState,
            _services.GetRequiredService<IUserDirectory>(),
            _services.GetRequiredService<ISystemMessages>(),
            options.Object,
            _time,
            new PageReadAhead(_services.GetRequiredService<IChannelContent>()),
            new StatusOutbox(),
            new NewShareHolds(_time),
            sender.Object,
            _ownership,
            NullLogger.Instance);
    }

    private async Task AddConnectionAsync(bool sdkPeer) => Assert.That(await _connections.TryAddAsync(new ConnectionRecord
    {
        RemoteId = Connection,
        Name = "peer",
        DisplayName = "peer",
        CreatorId = "admin",
        CreatedAt = Now,
        InvitationGeneratedAt = Now,
        InvitationAccepted = true,
        Token = "token",
        SiteUrl = "https://peer.test",
        PeerSupportsSignedFrames = sdkPeer,
    }), Is.True);

    private async Task<string?> CursorAsync() => (await _syncState.GetCursorAsync(Channel, Connection))?.Cursor;
}
