using System.Net;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Sync;

/// <summary>Two sample hosts over real HTTP and SQLite, sharing a channel homed on A: what users see on each side.</summary>
[Category("Integration")]
public sealed class TwoSampleHostsSyncTests
{
    private TwoWorkspaces _workspaces = null!;

    private ChatClient A => _workspaces.ChatA;

    private ChatClient B => _workspaces.ChatB;

    private string Channel => _workspaces.ChannelId;

    [SetUp]
    public async Task SetUp() => _workspaces = await TwoWorkspaces.StartAsync();

    [TearDown]
    public async Task TearDown() => await _workspaces.DisposeAsync();

    [Test]
    public async Task PostsEditsDeletesAndReactions_SyncBothWays()
    {
        PostView root = await A.PostAsync(Channel, _workspaces.JohnA.Id, "root from A");
        await WaitForPostAsync(B, root.Id);
        PostView reply = await B.PostAsync(Channel, _workspaces.JohnB.Id, "reply from B", rootId: root.Id);
        PostView doomedOnA = await A.PostAsync(Channel, _workspaces.JohnA.Id, "to be deleted on A");
        PostView doomedOnB = await B.PostAsync(Channel, _workspaces.JohnB.Id, "to be deleted on B");
        await WaitForPostAsync(A, doomedOnB.Id);
        await WaitForPostAsync(B, doomedOnA.Id);

        await A.EditPostAsync(root.Id, "root from A, edited");
        await B.EditPostAsync(reply.Id, "reply from B, edited");
        await A.DeletePostAsync(doomedOnA.Id);
        await B.DeletePostAsync(doomedOnB.Id);
        await A.AddReactionAsync(reply.Id, _workspaces.AdminA.Id, "tada");
        await B.AddReactionAsync(root.Id, _workspaces.AdminB.Id, "+1");
        string[] expected = [$"{root.Id}:root from A, edited:+1", $"{reply.Id}:reply from B, edited:tada"];
        await _workspaces.WaitUntilAsync("both sides to converge", async ct =>
            (await ShapeAsync(A, ct)).SequenceEqual(expected) && (await ShapeAsync(B, ct)).SequenceEqual(expected));

        IReadOnlyList<PostView> onA = await A.GetPostsAsync(Channel);
        IReadOnlyList<PostView> onB = await B.GetPostsAsync(Channel);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onB.Single(p => p.Id == root.Id).EditAt, Is.Not.Null, "the edit is marked on B");
            Assert.That(onA.Single(p => p.Id == reply.Id).EditAt, Is.Not.Null, "the edit is marked on A");
            Assert.That(onA.Single(p => p.Id == reply.Id).RootId, Is.EqualTo(root.Id), "the reply stays in its thread on A");
            Assert.That(onA.Concat(onB).Select(p => p.Id), Has.None.AnyOf(doomedOnA.Id, doomedOnB.Id), "deleted posts are gone on both sides");
        }
    }

    [Test]
    public async Task Usernames_ThatExistOnBothSides_GetTheConnectionNameOnTheOtherSide()
    {
        PostView fromA = await A.PostAsync(Channel, _workspaces.JohnA.Id, "I am john on A");
        PostView fromB = await B.PostAsync(Channel, _workspaces.JohnB.Id, "I am john on B");
        await WaitForPostAsync(A, fromB.Id);
        await WaitForPostAsync(B, fromA.Id);

        IReadOnlyList<PostView> onA = await A.GetPostsAsync(Channel);
        IReadOnlyList<PostView> onB = await B.GetPostsAsync(Channel);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onA.Single(p => p.Id == fromA.Id).Username, Is.EqualTo("john"));
            Assert.That(onA.Single(p => p.Id == fromB.Id).Username, Is.EqualTo("john:chat-b"), "A calls the connection chat-b");
            Assert.That(onB.Single(p => p.Id == fromB.Id).Username, Is.EqualTo("john"));
            Assert.That(onB.Single(p => p.Id == fromA.Id).Username, Is.EqualTo("john:chat-a"), "B calls the connection chat-a");
            Assert.That((await B.ListUsersAsync()).Where(u => u.IsRemote).Select(u => u.Username), Does.Contain("john:chat-a"));
        }
    }

    [Test]
    public async Task Reaction_WithCustomEmojiOnlyTheSenderHas_IsShownAsTextOnTheReceiver()
    {
        await A.AddCustomEmojiAsync("party_parrot", _workspaces.AdminA.Id);
        PostView post = await A.PostAsync(Channel, _workspaces.JohnA.Id, "party");
        await A.AddReactionAsync(post.Id, _workspaces.AdminA.Id, "party_parrot");
        await _workspaces.WaitUntilAsync("the reaction to reach B", async ct =>
            (await B.GetPostsAsync(Channel, ct)).SingleOrDefault(p => p.Id == post.Id)?.Reactions.Count == 1);

        ReactionView onA = (await A.GetPostsAsync(Channel)).Single(p => p.Id == post.Id).Reactions.Single();
        ReactionView onB = (await B.GetPostsAsync(Channel)).Single(p => p.Id == post.Id).Reactions.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onA.FallbackText, Is.Null, "A has the emoji: shown as its image");
            Assert.That(onB.EmojiName, Is.EqualTo("party_parrot"), "B keeps the reaction");
            Assert.That(onB.FallbackText, Is.EqualTo(":party_parrot:"), "B lacks the emoji: shown as text");
            Assert.That(onB.Usernames, Is.EqualTo(new[] { "admin:chat-a" }));
        }
    }

    [Test]
    public async Task ChannelSharedReadOnly_RefusesPostsOnTheReceiverAndStillSyncsFromTheHome()
    {
        ChannelView announcements = await A.CreateChannelAsync("announcements", _workspaces.AdminA.Id);
        await A.ShareChannelAsync(_workspaces.AdminA.Id, announcements.Id, _workspaces.ConnectionId, readOnly: true);
        PostView news = await A.PostAsync(announcements.Id, _workspaces.JohnA.Id, "news from the home");

        HttpRequestException refused = Assert.ThrowsAsync<HttpRequestException>(() => B.PostAsync(announcements.Id, _workspaces.JohnB.Id, "may I?"))!;
        await _workspaces.WaitUntilAsync("the home's post to reach B", async ct => (await B.GetPostsAsync(announcements.Id, ct)).Any(p => p.Id == news.Id));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    /// <summary>What a user sees of each post: id, text and reactions.</summary>
    private async Task<IEnumerable<string>> ShapeAsync(ChatClient client, CancellationToken cancellationToken) =>
        (await client.GetPostsAsync(Channel, cancellationToken)).Select(p => $"{p.Id}:{p.Message}:{string.Join(',', p.Reactions.Select(r => r.EmojiName).Order(StringComparer.Ordinal))}");

    private Task WaitForPostAsync(ChatClient client, string postId) =>
        _workspaces.WaitUntilAsync($"post {postId}", async ct => (await client.GetPostsAsync(Channel, ct)).Any(p => p.Id == postId));
}
