using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>Only the home relays what a remote sent, to the other remotes and never back to the sender.</summary>
public sealed class RelayTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";
    private const string Bob = "bob000000000000000000000aa";

    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private SyncTrafficTransport _homeTransport = null!;
    private SyncTrafficTransport _r1Transport = null!;
    private TestWorkspace _home = null!;
    private TestWorkspace _r1 = null!;
    private TestWorkspace _r2 = null!;
    private string _toR1 = null!;
    private string _toR2 = null!;
    private int _ids;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _homeTransport = new SyncTrafficTransport(_network);
        _r1Transport = new SyncTrafficTransport(_network);
        _home = await TestWorkspace.StartAsync("home", _network, _time, services: s => s.AddSingleton<IRemoteTransport>(_homeTransport));
        _r1 = await TestWorkspace.StartAsync("r1", _network, _time, services: s => s.AddSingleton<IRemoteTransport>(_r1Transport));
        _r2 = await TestWorkspace.StartAsync("r2", _network, _time);
        _toR1 = await _home.ConnectToAsync(_r1, "r1");
        _toR2 = await _home.ConnectToAsync(_r2, "r2");

        _home.Content.AddLocalUser(Alice, "alice");
        _r1.Content.AddLocalUser(Bob, "bob");
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team-home" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _toR1);
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _toR2);
        await SettleAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _home.DisposeAsync();
        await _r1.DisposeAsync();
        await _r2.DisposeAsync();
    }

    private string NewId() => $"post{Interlocked.Increment(ref _ids):D22}";

    private Task SettleAsync() => TestWorkspace.SettleAsync(_home, _r1, _r2);

    private static async Task<string?> CursorAsync(TestWorkspace workspace, string connectionId) =>
        (await workspace.Services.GetRequiredService<ISyncStateStore>().GetCursorAsync(Channel, connectionId))?.Cursor;

    private static bool Holds(TestWorkspace workspace, string postId) => workspace.Content.GetPosts(Channel).Any(p => p.Id == postId);

    [Test]
    public async Task ReceiveSync_AtHome_RelaysToTheOtherRemoteAndDoesNotEvenReadThePageForTheSender()
    {
        string towardR1Before = (await CursorAsync(_home, _toR1))!;
        string towardR2Before = (await CursorAsync(_home, _toR2))!;
        int toR1Before = _homeTransport.Attempted.Count(r => r.Host == "r1.test");
        string id = NewId();

        _r1.Content.CreatePost(id, Channel, Bob, "hi from r1");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Holds(_home, id), Is.True);
            Assert.That(Holds(_r2, id), Is.True, "relayed to the other remote");
            Assert.That(_homeTransport.Attempted.Count(r => r.Host == "r1.test"), Is.EqualTo(toR1Before), "no sync request goes back to the sender");

            // Waking the sender's worker would read the page, drop the post as an echo and move this cursor past it.
            Assert.That(await CursorAsync(_home, _toR1), Is.EqualTo(towardR1Before), "the sender's worker was not woken");
            Assert.That(await CursorAsync(_home, _toR2), Is.Not.EqualTo(towardR2Before), "the other remote's cursor moved past the relayed post");
        }
    }

    [Test]
    public async Task ReceiveSync_AtRemote_SendsNothingBackForWhatItReceived()
    {
        string towardHomeBefore = (await CursorAsync(_r1, _toR1))!;
        int sentBefore = _r1Transport.Attempted.Count;
        string id = NewId();

        _home.Content.CreatePost(id, Channel, Alice, "hello from home");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Holds(_r1, id), Is.True);
            Assert.That(_r1Transport.Attempted, Has.Count.EqualTo(sentBefore), "a remote never relays");
            Assert.That(await CursorAsync(_r1, _toR1), Is.EqualTo(towardHomeBefore), "its worker toward the home was not woken");
        }

        // The probe sees the remote's own changes: its worker does wake for them.
        string own = NewId();
        _r1.Content.CreatePost(own, Channel, Bob, "reply from r1");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_r1Transport.Attempted.Skip(sentBefore).Select(r => r.PostIds), Is.EqualTo(new[] { new[] { own } }), "only its own post, not the one it received");
            Assert.That(Holds(_home, own), Is.True);
        }
    }
}
