using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Testing;
using SharedChannels.Testing.Chaos;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>
/// A request the sender gave up on (timeout, crash) can still reach the peer later, after the retry that replaced
/// it: HTTP servers finish requests whose client left. The later, older copy must not undo the newer state.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class LateDeliveryTests
{
    private const string Channel = "latechannel000000000000001";

    private FakeTimeProvider _time = null!;
    private string _directory = null!;
    private ChaosWorkspace _home = null!;
    private ChaosWorkspace _remote = null!;
    private string _alice = null!;
    private string _post = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _directory = Path.Combine(Path.GetTempPath(), "sharedchannels-chaos", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var network = new LoopbackNetwork();

        // No ping interferes (a ping would be "the next request" and release the held one too early), and the held
        // request waits on a clock nobody advances: it goes out right after the request that overtakes it.
        void Quiet(SharedChannelsOptions o)
        {
            o.PingInterval = TimeSpan.FromHours(1);
            o.OfflineAfter = TimeSpan.FromHours(2);
            o.SendTimeout = TimeSpan.FromSeconds(10);
        }

        var holdForever = new FaultOptions { Seed = 1, ReorderProbability = 1, TimeProvider = new FakeTimeProvider() };
        _home = new ChaosWorkspace("h", _directory, network, _time, new FaultInjectingTransport(new LoopbackTransport(network), holdForever), new ChaosLogProvider("h"), Quiet);
        _remote = new ChaosWorkspace("r", _directory, network, _time, new FaultInjectingTransport(new LoopbackTransport(network)), new ChaosLogProvider("r"), Quiet);
        _home.Transport.IsInjecting = false;
        _alice = _home.AddLocalUser(1);
        _remote.AddLocalUser(1);
        await _home.StartAsync();
        await _remote.StartAsync();

        ConnectionInvitation invitation = await _home.Connections.CreateAsync(_home.AdminId, new CreateConnectionRequest { Name = "r", Password = "pw" });
        await _remote.Connections.AcceptAsync(_remote.AdminId, new AcceptInvitationRequest { Name = "h", InvitationCode = invitation.InvitationCode, Password = "pw" });
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "late", Type = ChannelType.Open });
        await _home.Sharing.InviteAsync(_home.AdminId, Channel, invitation.Connection.Id);
        _post = ChaosIds.Make("latepost", 1);
        _home.Content.CreatePost(_post, Channel, _alice, "react to me");
        await SettleAsync();
        Assert.That(_remote.Content.GetPosts(Channel).Select(p => p.Id), Is.EqualTo(new[] { _post }), "set-up: the post reached the remote");
    }

    [TearDown]
    public async Task TearDown()
    {
        _home.Transport.Heal();
        await _home.Transport.ReleaseHeldAsync();
        await _home.DisposeAsync();
        await _remote.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Reaction_AddDeliveredAfterTheRetryThatRemovedIt_StaysRemoved()
    {
        await HoldThenRetryAsync(
            () => _home.Content.AddReaction(_post, _alice, "smile"),
            () => _home.Content.RemoveReaction(_post, _alice, "smile"));

        Assert.That(_home.Content.GetReactions(_post), Is.Empty);
        Assert.That(_remote.Content.GetReactions(_post).Select(r => r.EmojiName), Is.Empty, "the late, older batch re-added a reaction the user had removed");
    }

    [Test]
    public async Task Membership_JoinDeliveredAfterTheRetryThatCarriedTheLeave_StaysLeft()
    {
        await HoldThenRetryAsync(
            () => _home.Content.AddMember(Channel, _alice),
            () => _home.Content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = Channel, UserId = _alice, IsAdd = false, ChangeTime = _time.GetUtcNow() }).AsTask().Wait());

        Assert.That(_home.Content.GetMembers(Channel), Does.Not.Contain(_alice));
        Assert.That(_remote.Content.GetMembers(Channel), Does.Not.Contain(_alice), "the late, older batch re-added a member who had left");
    }

    [Test]
    public async Task Post_EditDeliveredAfterTheRetryThatCarriedTheNewerEdit_KeepsTheNewerText()
    {
        // The counter-example: posts carry update_at and the receiver keeps the newer version.
        await HoldThenRetryAsync(
            () => _home.Content.EditPost(_post, "first edit"),
            () => _home.Content.EditPost(_post, "second edit"));

        Assert.That(_remote.Content.GetPosts(Channel).Single().Message, Is.EqualTo("second edit"));
    }

    /// <summary>
    /// The batch carrying <paramref name="first"/> is held on the wire until the sender times out; <paramref name="then"/>
    /// happens, the sender's retry carries the newer state, and the held batch arrives right after it.
    /// </summary>
    private async Task HoldThenRetryAsync(Action first, Action then)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _home.Transport.IsInjecting = true;
        first();
        await UntilAsync(() => _home.Transport.Statistics.Reordered == 1, limit.Token);
        _home.Transport.IsInjecting = false;
        long deliveries = _home.Transport.Statistics.Deliveries;

        _time.Advance(TimeSpan.FromSeconds(11));
        await _home.Sync.WhenIdleAsync(limit.Token);
        then();
        _time.Advance(TimeSpan.FromSeconds(2));

        await UntilAsync(() => _home.Transport.Statistics.Deliveries >= deliveries + 2, limit.Token);
        await SettleAsync();
    }

    private static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        }
    }

    private async Task SettleAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (int pass = 0; pass < 3; pass++)
        {
            await _home.Sync.WhenIdleAsync(limit.Token);
            await _remote.Sync.WhenIdleAsync(limit.Token);
        }
    }
}
