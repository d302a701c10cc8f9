using System.Collections.Concurrent;
using SharedChannels.Content;
using SharedChannels.Sync;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>A sync message the peer refuses as too large (HTTP 413) is sent again in halves; a single post that never fits is reported and skipped.</summary>
public sealed class PayloadTooLargeTests : SharedChannelPairFixture
{
    private const string Channel = SharedChannelPair.Channel;
    private const string R1 = SharedChannelPair.RemoteHost;

    private static RemoteResponse TooLarge() => new(413, """{"status":"FAIL","err":"the request body is too large"}"""u8.ToArray());

    [Test]
    public async Task SyncChannelAsync_PeerAnswers413_SplitsInHalvesAndReportsOnlyThePostThatNeverFits()
    {
        await StartPairAsync();
        List<string> ids = await Pair.WriteBacklogAsync(20);
        string oversized = ids[13];
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);
        Pair.HomeTransport.Intercept = request => request.PostIds.Count > 3 || request.PostIds.Contains(oversized) ? TooLarge() : null;

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        int attempts = Pair.HomeTransport.Attempted.Count;

        // Nothing is left to retry: a worker backing off would send again once the delay is over.
        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        List<string> fitting = [.. ids.Where(id => id != oversized)];
        IReadOnlyList<SyncRequest> accepted = Pair.HomeTransport.AcceptedWithPosts(R1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(fitting));
            Assert.That(rejected.Select(e => (e.Kind, e.ItemId, e.ConnectionId, e.ChannelId)), Is.EqualTo(new[] { ("post", oversized, Pair.ConnectionId, Channel) }));
            Assert.That(rejected.Single().Reason, Does.Contain("413"));
            Assert.That(accepted.SelectMany(r => r.PostIds), Is.EqualTo(fitting), "the halves go one after the other, posts in order, each once");
            Assert.That(accepted.Select(r => r.PostIds.Count), Has.All.InRange(1, 3));
            Assert.That(Pair.HomeTransport.Attempted.Select(r => r.UserIds), Has.All.Contains(SharedChannelPair.Alice), "every part carries the users");
            Assert.That(Pair.HomeTransport.Attempted, Has.Count.EqualTo(attempts), "no retry after the split");
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()), "the cursor moved on");
        }
    }

    [Test]
    public async Task SyncChannelAsync_PeerWithSmallFrameLimit_GetsEverythingThatFitsAndTheOversizedPostIsReported()
    {
        await StartPairAsync(remoteOptions: o => o.MaxFrameBytes = 64 * 1024);
        List<string> ids = await Pair.WriteBacklogAsync(13, i => new string(i == 5 ? 'y' : 'x', i == 5 ? 70_000 : 8_000));
        string oversized = ids[5];
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids.Where(id => id != oversized)));
            Assert.That(Pair.Remote.Content.GetPosts(Channel).Select(p => p.Message.Length), Has.All.EqualTo(8_000));
            Assert.That(rejected.Select(e => (e.Kind, e.ItemId)), Is.EqualTo(new[] { ("post", oversized) }));
            Assert.That(Pair.HomeTransport.Delivered.Count(d => d.StatusCode == 413), Is.GreaterThan(1), "the real peer refused the message, then the parts still too large");
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
        }
    }

    [Test]
    public async Task SyncChannelAsync_PeerAnswers413_ReactionsOnPostsOfTheSecondHalfAreNotLost()
    {
        await StartPairAsync();
        List<string> ids = await Pair.WriteBacklogAsync(4);
        DateTimeOffset now = Pair.Time.GetUtcNow();
        foreach (string id in ids)
        {
            await Pair.Home.Content.UpsertReactionAsync(new Reaction { PostId = id, UserId = SharedChannelPair.Alice, EmojiName = "eyes", ChannelId = Channel, CreateAt = now, UpdateAt = now });
        }

        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);
        Pair.HomeTransport.Intercept = request => request.PostIds.Count > 2 ? TooLarge() : null;

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids));
            Assert.That(ids.Select(id => Pair.Remote.Content.GetReactions(id).Count), Is.EqualTo(new[] { 1, 1, 1, 1 }), "every post's reaction reached the peer");
            Assert.That(rejected.Select(e => $"{e.Kind} {e.ItemId}: {e.Reason}"), Is.Empty);
        }
    }

    [Test]
    public async Task SyncChannelAsync_SinglePostRefusedWith413_ReactionTravellingWithItIsNotDroppedSilently()
    {
        await StartPairAsync();
        string earlier = Pair.NewId();
        Pair.Home.Content.CreatePost(earlier, Channel, SharedChannelPair.Alice, "already on both sides");
        await Pair.SettleAsync();
        Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(new[] { earlier }));

        List<string> ids = await Pair.WriteBacklogAsync(2);
        string oversized = ids[0];
        DateTimeOffset now = Pair.Time.GetUtcNow();
        await Pair.Home.Content.UpsertReactionAsync(new Reaction { PostId = earlier, UserId = SharedChannelPair.Alice, EmojiName = "tada", ChannelId = Channel, CreateAt = now, UpdateAt = now });
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);
        Pair.HomeTransport.Intercept = request => request.PostIds.Contains(oversized) ? TooLarge() : null;

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        bool reactionArrived = Pair.Remote.Content.GetReactions(earlier).Any(r => r.EmojiName == "tada");
        bool reactionReported = rejected.Any(e => e.Kind == "reaction" && e.ItemId == earlier);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(new[] { earlier, ids[1] }));
            Assert.That(rejected.Select(e => (e.Kind, e.ItemId)), Has.Member(("post", oversized)));
            Assert.That(reactionArrived || reactionReported, Is.True, "the reaction on an earlier post, sent in the same message as the oversized post, is delivered or at least reported");
        }
    }
}
