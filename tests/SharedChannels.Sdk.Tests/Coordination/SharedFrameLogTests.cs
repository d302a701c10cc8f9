using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Coordination;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Coordination;

/// <summary>
/// The dispatcher of a multi-node workspace ("home", with a shared frame log the test steers) receiving a peer's sync:
/// frames answered by another node are answered again without being applied, applied frames are recorded, and a
/// signature another node saw is refused as a replay.
/// </summary>
public sealed class SharedFrameLogTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Bob = "bob000000000000000000000aa";

    private FakeTimeProvider _time = null!;
    private FakeFrameLog _log = null!;
    private TestWorkspace _home = null!;
    private TestWorkspace _remote = null!;
    private int _ids;

    [SetUp]
    public async Task SetUpAsync()
    {
        var network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _log = new FakeFrameLog();
        _home = await TestWorkspace.StartAsync("home", network, _time, services: s => s.AddSingleton<IInboundFrameLog>(_log));
        _remote = await TestWorkspace.StartAsync("r1", network, _time);
        string connection = await _home.ConnectToAsync(_remote, "r1");
        _remote.Content.AddLocalUser(Bob, "bob");
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team-home" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, connection);
        await SettleAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _home.DisposeAsync();
        await _remote.DisposeAsync();
    }

    [Test]
    public async Task MultiNode_FrameAppliedHere_IsRecordedInTheSharedLogAndItsSignatureChecked()
    {
        int recorded = _log.Recorded.Count;
        string post = CreateRemotePost();
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostIdsOnHome(), Does.Contain(post));
            Assert.That(_log.Recorded, Has.Count.GreaterThan(recorded), "recorded after it was applied");
            Assert.That(_log.SignaturesChecked, Is.Not.Empty, "signed frames between SDK peers are checked against the other nodes");
        }
    }

    [Test]
    public async Task MultiNode_FrameAlreadyAnsweredByAnotherNode_IsAnsweredAgainWithoutBeingApplied()
    {
        _log.AnswerEverything = Encoding.UTF8.GetBytes("""{"status":"OK","payload":{}}""");

        string post = CreateRemotePost();
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostIdsOnHome(), Does.Not.Contain(post), "the log said another node applied it");
            Assert.That(_home.Logs.Lines, Has.Some.Contains("[1609]"));
        }
    }

    [Test]
    public async Task MultiNode_SignatureSeenByAnotherNode_IsRefusedAsAReplay()
    {
        _log.SignaturesAreNew = false;

        string post = CreateRemotePost();
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostIdsOnHome(), Does.Not.Contain(post));
            Assert.That(_home.Logs.Lines, Has.Some.Contains("[1200]").And.Contains("replayed"));
        }
    }

    private string CreateRemotePost()
    {
        string id = $"post{Interlocked.Increment(ref _ids):D22}";
        _remote.Content.CreatePost(id, Channel, Bob, "from the peer");
        return id;
    }

    private List<string> PostIdsOnHome() => [.. _home.Content.GetPosts(Channel).Select(p => p.Id)];

    private Task SettleAsync() => TestWorkspace.SettleAsync(_home, _remote);
}
