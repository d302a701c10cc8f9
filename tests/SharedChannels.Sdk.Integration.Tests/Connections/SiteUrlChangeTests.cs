using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Connections;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Connections;

/// <summary>A sample host restarts on another port: it announces its new site URL and its peer reaches it there.</summary>
[Category("Integration")]
public sealed class SiteUrlChangeTests
{
    private TwoWorkspaces _workspaces = null!;

    [SetUp]
    public async Task SetUp() => _workspaces = await TwoWorkspaces.StartAsync();

    [TearDown]
    public async Task TearDown() => await _workspaces.DisposeAsync();

    [Test]
    public async Task Restart_OnAnotherPort_PeerLearnsTheNewUrlAndSyncReachesItAgain()
    {
        string channel = _workspaces.ChannelId;
        string oldUrl = SiteUrl(_workspaces.B.Url);
        PostView before = await _workspaces.ChatA.PostAsync(channel, _workspaces.JohnA.Id, "before the move");
        await _workspaces.WaitUntilAsync("the first post to reach B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Any(p => p.Id == before.Id));

        PostView during = null!;
        await _workspaces.RestartBAsync(async () => during = await _workspaces.ChatA.PostAsync(channel, _workspaces.JohnA.Id, "while B moves"), onNewPort: true);
        string newUrl = SiteUrl(_workspaces.B.Url);
        Assume.That(newUrl, Is.Not.EqualTo(oldUrl), "B got another port");

        // No admin action and no ping: B's announcement at start-up moves A's connection, and A catches up at once.
        SecureConnections connectionsA = _workspaces.A.Services.GetRequiredService<SecureConnections>();
        await _workspaces.WaitUntilAsync("the post made while B moved to reach B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Any(p => p.Id == during.Id));
        PostView after = await _workspaces.ChatA.PostAsync(channel, _workspaces.JohnA.Id, "after the move");
        await _workspaces.WaitUntilAsync("a new post to reach B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Any(p => p.Id == after.Id));

        RemoteConnection? onA = await connectionsA.GetAsync(_workspaces.AdminA.Id, _workspaces.ConnectionId);
        Assert.That(onA?.SiteUrl, Is.EqualTo(newUrl));
    }

    [Test]
    public async Task UpdateConnection_ThroughTheAdminApi_ChangesTheSiteUrl()
    {
        ConnectionView updated = await _workspaces.ChatA.UpdateConnectionAsync(_workspaces.AdminA.Id, _workspaces.ConnectionId, siteUrl: "http://127.0.0.1:9/");

        Assert.That(updated.SiteUrl, Is.EqualTo("http://127.0.0.1:9"));
    }

    private static string SiteUrl(Uri url) => url.GetLeftPart(UriPartial.Authority);
}
