using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Commands;

/// <summary>The slash commands through the sample host's <c>POST /commands</c>, over real HTTP and SQLite.</summary>
[Category("Integration")]
public sealed class SampleHostCommandsTests
{
    private TwoWorkspaces _workspaces = null!;

    [SetUp]
    public async Task SetUp() => _workspaces = await TwoWorkspaces.StartAsync();

    [TearDown]
    public async Task TearDown() => await _workspaces.DisposeAsync();

    [Test]
    public async Task ShareChannelInvite_ReadOnly_SharesTheChannelAndStatusShowsIt()
    {
        ChatClient a = _workspaces.ChatA;
        ChannelView channel = await _workspaces.ChatA.CreateChannelAsync("announcements", _workspaces.AdminA.Id);

        CommandView invite = await a.RunCommandAsync(_workspaces.AdminA.Id, $"/share-channel invite --connectionID {_workspaces.ConnectionId} --readonly", channel.Id);
        CommandView status = await a.RunCommandAsync(_workspaces.AdminA.Id, "/share-channel status", channel.Id);
        PostView post = await _workspaces.ChatA.PostAsync(channel.Id, _workspaces.JohnA.Id, "read-only news");
        await _workspaces.WaitUntilAsync("the post in the read-only channel to reach B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel.Id, ct)).Any(p => p.Id == post.Id));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(invite.Succeeded, Is.True, invite.Markdown);
            Assert.That(status.Succeeded, Is.True, status.Markdown);
            Assert.That(status.Markdown, Does.Contain(_workspaces.ConnectionId));
        }
    }

    [Test]
    public async Task SecureConnection_ByANonAdmin_IsDeniedWithAClearReply()
    {
        ChatClient a = _workspaces.ChatA;

        CommandView denied = await a.RunCommandAsync(_workspaces.JohnA.Id, "/secure-connection status");
        CommandView badSyntax = await a.RunCommandAsync(_workspaces.AdminA.Id, "/secure-connection create --displayname “Acme”");

        Assert.That(denied.Succeeded, Is.False);
        Assert.That(denied.ErrorCode, Is.EqualTo("PermissionDenied"));
        Assert.That(badSyntax.Succeeded, Is.False);
        Assert.That(badSyntax.Markdown, Does.Contain("--name"), "answers with the usage line");
    }
}
