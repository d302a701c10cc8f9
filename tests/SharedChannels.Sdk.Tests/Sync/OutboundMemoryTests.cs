using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Sync.Internal;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Testing;

namespace SharedChannels.Tests.Sync;

/// <summary>What the outbound engine keeps in memory per connection is bounded, and dropped when the connection goes.</summary>
public sealed class OutboundMemoryTests
{
    private const string Channel = "memory0000000000000000000a";
    private const string Alice = "alice0000000000000000000aa";
    private const string File = "file0000000000000000000001";

    private LoopbackNetwork _network = null!;
    private TestWorkspace _home = null!;
    private TestWorkspace _remote = null!;
    private string _connectionId = null!;

    private SyncRouter Router => _home.Sync.Router!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        _home = await TestWorkspace.StartAsync("home", _network, time);
        _remote = await TestWorkspace.StartAsync("remote", _network, time);
        _connectionId = await _home.ConnectToAsync(_remote);
        _home.Content.AddLocalUser(Alice, "alice");
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "memory" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _connectionId);
        await TestWorkspace.SettleAsync(_home, _remote);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _home.DisposeAsync();
        await _remote.DisposeAsync();
    }

    [Test]
    public async Task StopWorker_AfterAFileWasSent_ForgetsTheFilesSentToTheConnection()
    {
        _home.Content.AddFile(new FileAttachment { Id = File, ChannelId = Channel, UserId = Alice, Name = "a.pdf", Size = 16, MimeType = "application/pdf" }, new byte[16]);
        _home.Content.CreatePost("post0000000000000000000001", Channel, Alice, "see attached", fileIds: [File]);
        await TestWorkspace.SettleAsync(_home, _remote);
        Assert.That(Router.Attachments.FilesRemembered(_connectionId), Is.EqualTo(1), "the file sent is remembered");

        await _home.Sync.StopWorkerAsync(_connectionId);

        Assert.That(Router.Attachments.FilesRemembered(_connectionId), Is.Zero);
    }

    [Test]
    public async Task PeerOffline_StatusesOfTheSameUsersKeepComing_OnlyTheLatestPerUserWait()
    {
        _network.SetReachable(_remote.SiteUrl, false);

        for (int i = 0; i < 300; i++)
        {
            _home.Sync.NotifyUserStatusChanged(new UserStatus { UserId = i % 3 == 0 ? Alice : $"user{i % 3}", Status = i % 2 == 0 ? "online" : "away" });
        }

        await TestWorkspace.SettleAsync(_home, _remote);

        Assert.That(Router.Statuses.Peek(_connectionId).Select(s => s.UserId), Is.EquivalentTo(new[] { Alice, "user1", "user2" }));
    }

    [Test]
    public async Task ConnectionDeleted_WithStatusesWaiting_DropsThem()
    {
        _network.SetReachable(_remote.SiteUrl, false);
        _home.Sync.NotifyUserStatusChanged(new UserStatus { UserId = Alice, Status = "away" });
        await TestWorkspace.SettleAsync(_home, _remote);
        Assert.That(Router.Statuses.Peek(_connectionId), Has.Count.EqualTo(1), "the status waits for the peer");

        await _home.Connections.DeleteAsync(TestWorkspace.Admin, _connectionId);
        await TestWorkspace.SettleAsync(_home, _remote);

        Assert.That(Router.Statuses.Peek(_connectionId), Is.Empty);
        Assert.That(Router.Statuses.ConnectionCount, Is.Zero);
    }
}
