using Microsoft.Extensions.Logging;
using SharedChannels.Connections;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Sync;

/// <summary>
/// Three sample hosts over real HTTP and SQLite: a channel homed on A shared with B and C. What B and C write reaches
/// the other one only through A's relay, which depends on A logging and re-notifying what peers send it, while B and C
/// (not the home) neither log nor relay what they receive.
/// </summary>
[Category("Integration")]
public sealed class ThreeSampleHostsRelayTests
{
    private TwoWorkspaces _workspaces = null!;
    private string _cRoot = null!;
    private SampleHost _c = null!;
    private ChatClient _chatC = null!;
    private UserView _johnC = null!;

    private ChatClient A => _workspaces.ChatA;

    private ChatClient B => _workspaces.ChatB;

    private string Channel => _workspaces.ChannelId;

    [SetUp]
    public async Task SetUp()
    {
        _workspaces = await TwoWorkspaces.StartAsync();
        _cRoot = Path.Combine(Path.GetTempPath(), "sharedchannels-it-c-" + Guid.NewGuid().ToString("N")[..8]);
        _c = await SampleHost.StartAsync(new SampleHostOptions { DataDirectory = _cRoot, MinimumLogLevel = LogLevel.Warning, ConfigureServices = TwoWorkspaces.UseCheapKeyDerivation });
        _chatC = _c.CreateClient();
        UserView adminC = await _chatC.CreateUserAsync("admin", isAdmin: true);
        _johnC = await _chatC.CreateUserAsync("john");

        InvitationView invitation = await A.CreateConnectionAsync(_workspaces.AdminA.Id, "chat-c");
        ConnectionView accepted = await _chatC.AcceptConnectionAsync(adminC.Id, "chat-a", invitation.InvitationCode, invitation.Password);
        Assert.That(accepted.State, Is.EqualTo(nameof(ConnectionState.Connected)), "C accepted A's invitation");
        SharedChannelView shared = await A.ShareChannelAsync(_workspaces.AdminA.Id, Channel, invitation.ConnectionId);
        Assert.That(shared.InvitationAccepted, Is.True, "C received the channel");
    }

    [TearDown]
    public async Task TearDown()
    {
        _chatC.Dispose();
        await _c.DisposeAsync();
        await _workspaces.DisposeAsync();
        Directory.Delete(_cRoot, recursive: true);
    }

    [Test]
    public async Task PostsOfOneRemote_ReachTheOtherRemoteThroughTheHome_AndRepliesComeBack()
    {
        // More than one page toward an SDK peer would be 500: 120 posts still make several relayed messages, because
        // B sends as its users post.
        var fromB = new List<string>();
        for (int i = 0; i < 120; i++)
        {
            fromB.Add((await B.PostAsync(Channel, _workspaces.JohnB.Id, $"from B #{i}")).Id);
        }

        await WaitUntilAsync("B's posts to reach C through A", async ct => HasAll(await _chatC.GetPostsAsync(Channel, ct), fromB));
        PostView reply = await _chatC.PostAsync(Channel, _johnC.Id, "reply from C", rootId: fromB[0]);
        await _chatC.AddReactionAsync(fromB[1], _johnC.Id, "tada");

        await WaitUntilAsync("C's reply and reaction to reach B through A", async ct =>
        {
            IReadOnlyList<PostView> onB = await B.GetPostsAsync(Channel, ct);
            return onB.Any(p => p.Id == reply.Id && p.RootId == fromB[0]) &&
                   onB.Single(p => p.Id == fromB[1]).Reactions.Any(r => r.EmojiName == "tada");
        });

        IReadOnlyList<PostView> onA = await A.GetPostsAsync(Channel);
        IReadOnlyList<PostView> onC = await _chatC.GetPostsAsync(Channel);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(HasAll(onA, [.. fromB, reply.Id]), Is.True, "the home has everything");
            Assert.That(onC.Count(p => p.Message.StartsWith("from B #", StringComparison.Ordinal)), Is.EqualTo(120), "C has each of B's posts once");
            Assert.That(onC.Single(p => p.Id == fromB[1]).Reactions.Select(r => r.EmojiName), Is.EqualTo(new[] { "tada" }), "the reaction is on C once");
        }
    }

    private static bool HasAll(IReadOnlyList<PostView> posts, IEnumerable<string> ids)
    {
        var present = posts.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return ids.All(present.Contains);
    }

    /// <summary>Polls until <paramref name="condition"/> holds, all three hosts syncing meanwhile; fails after the sync timeout.</summary>
    private static Task WaitUntilAsync(string what, Func<CancellationToken, Task<bool>> condition) =>
        Polling.WaitUntilAsync(what, condition, static _ => Task.CompletedTask);
}
