using System.Collections.Concurrent;
using System.Text;
using SharedChannels.Content;
using SharedChannels.Sync;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>
/// Replies to a sync message shaped as Mattermost writes them: Go's encoding/json writes the nil slices of
/// <c>SyncResponse</c> (no <c>omitempty</c>) as <c>null</c>, <c>err</c> as <c>""</c>, and a nil payload as <c>null</c>.
/// Each must move the cursor once and never make the sender send the page again (Mattermost's reaction upsert
/// deletes a reaction it already has, so a resend removes it there).
/// </summary>
public sealed class MattermostReplyShapeTests : SharedChannelPairFixture
{
    private const string Channel = SharedChannelPair.Channel;

    // model.SyncResponse as processSyncMessage leaves it for a page of posts: only the post fields are set.
    private const string PostsOnlyPayload =
        """{"users_last_update_at":0,"user_errors":null,"users_syncd":null,"posts_last_update_at":1700000000000,"post_errors":null,"reactions_last_update_at":0,"reaction_errors":null,"acknowledgements_last_update_at":0,"acknowledgement_errors":null,"status_errors":null}""";

    [TestCase(PostsOnlyPayload, TestName = "SyncChannelAsync_MattermostReplyWithNullLists_MovesTheCursorOnceAndSendsNothingAgain")]
    [TestCase("null", TestName = "SyncChannelAsync_MattermostReplyWithNullPayload_MovesTheCursorOnceAndSendsNothingAgain")]
    public async Task SyncChannelAsync_MattermostShapedOkReply_MovesTheCursorOnceAndSendsNothingAgain(string payload)
    {
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        await StartMattermostLikePairAsync(rejected);
        await Pair.WriteBacklogAsync(3);
        await ReactToFirstPostAsync();
        Pair.HomeTransport.Intercept = _ => GoReply(payload);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.HomeTransport.Attempted, Has.Count.EqualTo(1), "one request for the page, never resent");
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()), "the cursor moved past the page");
            Assert.That(rejected, Is.Empty, "an OK reply with no errors rejects nothing");
        }
    }

    [Test]
    public async Task SyncChannelAsync_MattermostReplyListsAPostErrorAndNullElsewhere_ReportsThatPostAndMovesOn()
    {
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        await StartMattermostLikePairAsync(rejected);
        List<string> ids = await Pair.WriteBacklogAsync(3);
        Pair.HomeTransport.Intercept = _ => GoReply(PostsOnlyPayload.Replace("\"post_errors\":null", $"\"post_errors\":[\"{ids[1]}\"]", StringComparison.Ordinal));

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rejected.Select(e => (e.Kind, e.ItemId)), Is.EqualTo(new[] { ("post", ids[1]) }));
            Assert.That(Pair.HomeTransport.Attempted, Has.Count.EqualTo(1));
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
        }
    }

    /// <summary>remotecluster.Response as Mattermost writes it: <c>err</c> has no omitempty, the payload is a raw message.</summary>
    private static RemoteResponse GoReply(string payload) =>
        new(200, Encoding.UTF8.GetBytes($$"""{"status":"OK","err":"","payload":{{payload}}}"""));

    private async Task StartMattermostLikePairAsync(ConcurrentQueue<SyncItemRejectedEventArgs> rejected)
    {
        await StartPairAsync();
        await Pair.ForgetThatPeersRunTheSdkAsync();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);
    }

    private async Task ReactToFirstPostAsync()
    {
        DateTimeOffset now = Pair.Time.GetUtcNow();
        string postId = Pair.Home.Content.GetPosts(Channel)[0].Id;
        await Pair.Home.Content.UpsertReactionAsync(new Reaction { PostId = postId, UserId = SharedChannelPair.Alice, EmojiName = "tada", ChannelId = Channel, CreateAt = now, UpdateAt = now });
    }
}
