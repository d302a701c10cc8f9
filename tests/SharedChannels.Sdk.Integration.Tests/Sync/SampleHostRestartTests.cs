using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Connections;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Sync;

/// <summary>A sample host stops while its peer keeps writing, and comes back on the same SQLite files.</summary>
[Category("Integration")]
public sealed class SampleHostRestartTests
{
    private TwoWorkspaces _workspaces = null!;

    [SetUp]
    public async Task SetUp() =>
        // Small pages, so the catch-up takes several round trips and each must resume where the last one ended.
        _workspaces = await TwoWorkspaces.StartAsync(o => o.MaxPostsPerSync = 7);

    [TearDown]
    public async Task TearDown() => await _workspaces.DisposeAsync();

    [Test]
    public async Task Restart_OfTheReceiverWhileTheHomePosts_DeliversEveryPostExactlyOnce()
    {
        string channel = _workspaces.ChannelId;
        PostView before = await _workspaces.ChatA.PostAsync(channel, _workspaces.JohnA.Id, "before the restart");
        await _workspaces.WaitUntilAsync("the first post to reach B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Any(p => p.Id == before.Id));

        string[] messages = [.. Enumerable.Range(1, 30).Select(i => $"message {i:D2}")];
        await _workspaces.RestartBAsync(async () =>
        {
            foreach (string message in messages)
            {
                await _workspaces.ChatA.PostAsync(channel, _workspaces.JohnA.Id, message);
            }
        });

        // A's sends failed while B was down and its worker is backing off; the connection monitor notices B is back at
        // its next ping (every minute by default) and resumes at once. Ping now instead of waiting for it.
        await _workspaces.A.Services.GetRequiredService<ConnectionMonitor>().PingAllAsync();
        string[] expected = ["before the restart", .. messages];
        await _workspaces.WaitUntilAsync("all 30 posts to reach B", async ct =>
            (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Count >= expected.Length);

        IReadOnlyList<PostView> onB = await _workspaces.ChatB.GetPostsAsync(channel);
        IReadOnlyList<PostView> onA = await _workspaces.ChatA.GetPostsAsync(channel);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onB.Select(p => p.Message), Is.EquivalentTo(expected), "each post once, none lost");
            Assert.That(onB.Select(p => p.Id), Is.EqualTo(onA.Select(p => p.Id)), "with A's ids, in A's order");
        }
    }
}
