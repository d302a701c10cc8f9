using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Content;
using SharedChannels.Sync;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>
/// Catch-up toward a peer: several pages in flight at once to an SDK peer, the cursor moved only past the
/// leading pages the peer accepted, and the page size chosen by the kind of peer.
/// </summary>
public sealed class PipelinedCatchUpTests : SharedChannelPairFixture
{
    private const string Channel = SharedChannelPair.Channel;
    private const string R1 = SharedChannelPair.RemoteHost;

    private async Task StartAsync(Action<SharedChannelsOptions>? homeOptions = null) => await StartPairAsync(homeOptions);

    private static void SmallPages(SharedChannelsOptions options, int window)
    {
        options.MaxPostsPerSync = 2;
        options.MaxPostsPerSyncToSdkPeers = 2;
        options.MaxSyncRequestsInFlight = window;
    }

    private static RemoteResponse Fail(int statusCode) => new(statusCode, """{"status":"FAIL","err":"try again later"}"""u8.ToArray());

    [Test]
    public async Task SyncChannelAsync_BacklogToSdkPeer_KeepsTheWindowInFlightAndDeliversEveryPostOnce()
    {
        await StartAsync(o => SmallPages(o, window: 3));
        Pair.HomeTransport.HoldUntilInFlight = 3;
        List<string> ids = await Pair.WriteBacklogAsync(30);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        IReadOnlyList<SyncRequest> accepted = Pair.HomeTransport.AcceptedWithPosts(R1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids));
            Assert.That(accepted.Select(r => r.PostIds.Count), Is.EqualTo(Enumerable.Repeat(2, 15)), "15 pages of MaxPostsPerSyncToSdkPeers posts");
            Assert.That(accepted.SelectMany(r => r.PostIds), Is.EquivalentTo(ids), "each post sent once");
            Assert.That(Pair.HomeTransport.MaxInFlight, Is.EqualTo(3), "MaxSyncRequestsInFlight pages on their way at once");
            Assert.That(Pair.HomeTransport.HoldsTimedOut, Is.Zero, "every round filled the window");
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
        }
    }

    [TestCase(false, TestName = "SyncChannelAsync_SecondRequestOfARoundAnswers503_CursorStopsBeforeItAndTheRestIsResent")]
    [TestCase(true, TestName = "SyncChannelAsync_SecondRequestOfARoundUnreachable_CursorStopsBeforeItAndTheRestIsResent")]
    public async Task SyncChannelAsync_SecondRequestOfARoundFails_CursorStopsBeforeItAndTheRestIsResent(bool unreachable)
    {
        await StartAsync(o => SmallPages(o, window: 3));
        string start = await Pair.LatestCursorAsync();
        List<string> ids = await Pair.WriteBacklogAsync(30);
        string afterFirstPage = (await Pair.Home.Content.ReadChangesAsync(Channel, start, 2)).NextCursor;
        Pair.HomeTransport.Intercept = request => request.Sequence != 2
            ? null
            : unreachable ? throw new HttpRequestException("the link dropped") : Fail(503);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(afterFirstPage), "moved past the first page only");
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids[0..2].Concat(ids[4..6])), "the third page arrived although the second failed");
        }

        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        SyncRequest[] attempts = [.. Pair.HomeTransport.Attempted];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids), "nothing lost, nothing doubled");
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
            Assert.That(attempts[3].PostIds, Is.EqualTo(ids[2..4]), "the retry starts at the page that failed");
            Assert.That(attempts.Count(a => a.PostIds.Contains(ids[4])), Is.EqualTo(2), "the accepted page after the failure is resent");
            Assert.That(attempts.Count(a => a.PostIds.Contains(ids[0])), Is.EqualTo(1), "the page before it is not");
        }
    }

    [Test]
    public async Task SyncChannelAsync_MaxSyncRequestsInFlightOne_SendsOneRequestAtATimeInOrder()
    {
        await StartAsync(o => SmallPages(o, window: 1));
        Pair.HomeTransport.YieldBeforeDelivery = true;
        List<string> ids = await Pair.WriteBacklogAsync(12);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        IReadOnlyList<SyncRequest> accepted = Pair.HomeTransport.AcceptedWithPosts(R1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.HomeTransport.MaxInFlight, Is.EqualTo(1));
            Assert.That(accepted, Has.Count.EqualTo(6));
            Assert.That(accepted.SelectMany(r => r.PostIds), Is.EqualTo(ids), "one page after the other, in order");
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
        }
    }

    [Test]
    public async Task SyncChannelAsync_PeerNotRunningTheSdk_GetsMaxPostsPerSyncPagesOneAtATime()
    {
        await StartAsync(o =>
        {
            o.MaxPostsPerSync = 2;
            o.MaxPostsPerSyncToSdkPeers = 6;
            o.MaxSyncRequestsInFlight = 3;
        });
        await Pair.ForgetThatPeersRunTheSdkAsync();
        Pair.HomeTransport.YieldBeforeDelivery = true;
        List<string> ids = await Pair.WriteBacklogAsync(12);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        IReadOnlyList<SyncRequest> accepted = Pair.HomeTransport.AcceptedWithPosts(R1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.Select(r => r.PostIds.Count), Is.EqualTo(Enumerable.Repeat(2, 6)), "MaxPostsPerSync, not MaxPostsPerSyncToSdkPeers");
            Assert.That(Pair.HomeTransport.MaxInFlight, Is.EqualTo(1));
            Assert.That(accepted.SelectMany(r => r.PostIds), Is.EqualTo(ids));
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids));
        }
    }

    [TestCase(0, new[] { 120 }, TestName = "SyncChannelAsync_BacklogAfterOutageWithDefaults_ReachesSdkPeerInOneRequest")]
    [TestCase(50, new[] { 50, 50, 20 }, TestName = "SyncChannelAsync_BacklogAfterOutageWithMaxPostsPerSyncToSdkPeers50_IsSplitInThree")]
    public async Task SyncChannelAsync_BacklogAfterOutage_UsesThePageSizeForSdkPeers(int maxPostsToSdkPeers, int[] expectedSizes)
    {
        await StartAsync(o =>
        {
            if (maxPostsToSdkPeers > 0)
            {
                o.MaxPostsPerSyncToSdkPeers = maxPostsToSdkPeers;
            }
        });
        Pair.Network.SetReachable(Pair.Remote.SiteUrl, false);
        var ids = new List<string>();
        for (int i = 0; i < 120; i++)
        {
            string id = Pair.NewId();
            ids.Add(id);
            Pair.Home.Content.CreatePost(id, Channel, SharedChannelPair.Alice, $"while the link is down {i}");
        }

        await Pair.SettleAsync();
        Assert.That(Pair.PostIdsOnRemote(), Is.Empty, "the link was down");

        Pair.Network.SetReachable(Pair.Remote.SiteUrl, true);
        await Pair.Home.Monitor.PingAllAsync();
        await Pair.SettleAsync();

        IReadOnlyList<SyncRequest> accepted = Pair.HomeTransport.AcceptedWithPosts(R1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.Select(r => r.PostIds.Count), Is.EquivalentTo(expectedSizes));
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids));
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
        }
    }

    [Test]
    public async Task SyncChannelAsync_LaterPageAnsweredFirst_ReactionOnAPostOfTheEarlierPageIsNotLost()
    {
        // One post per page, two pages in flight: page 1 = post A; page 2 = post B and a reaction on A.
        await StartAsync(o =>
        {
            o.MaxPostsPerSync = 1;
            o.MaxPostsPerSyncToSdkPeers = 1;
            o.MaxSyncRequestsInFlight = 2;
        });
        List<string> ids = await Pair.WriteBacklogAsync(2);
        DateTimeOffset now = Pair.Time.GetUtcNow();
        await Pair.Home.Content.UpsertReactionAsync(new Reaction { PostId = ids[0], UserId = SharedChannelPair.Alice, EmojiName = "+1", ChannelId = Channel, CreateAt = now, UpdateAt = now });
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);

        // Over HTTP two requests in flight may be applied in either order: were the second page in flight with the
        // first, it would be applied first here (the first waits for the second's answer, for at most half a second).
        var secondAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pair.HomeTransport.Answered = request =>
        {
            if (request.Sequence == 2)
            {
                secondAnswered.TrySetResult();
            }
        };
        Pair.HomeTransport.BeforeDelivery = async request =>
        {
            if (request.Sequence == 1)
            {
                try
                {
                    await secondAnswered.Task.WaitAsync(TimeSpan.FromMilliseconds(500));
                }
                catch (TimeoutException)
                {
                    // The second page was not in flight: it waits for the first one's answer.
                }
            }
        };

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.HomeTransport.Delivered.Select(d => d.Request.Sequence).Take(2), Is.EqualTo(new[] { 1, 2 }), "the page with the reaction waited for the page with its post");
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids));
            Assert.That(Pair.Remote.Content.GetReactions(ids[0]).Select(r => r.EmojiName), Is.EqualTo(new[] { "+1" }), "the reaction reached the peer");
            Assert.That(rejected.Select(e => $"{e.Kind} {e.ItemId}: {e.Reason}"), Is.Empty);
        }
    }

    [Test]
    public async Task SyncChannelAsync_LeaveThenJoinInPagesOfOneRound_ArriveInOrderAtAHostWithoutMembershipHistory()
    {
        // The receiving host cannot tell an older membership change from a newer one: the last to arrive wins.
        CountingChannelContent? remoteContent = null;
        await StartPairAsync(
            homeOptions: o => (o.MaxPostsPerSync, o.MaxPostsPerSyncToSdkPeers, o.MaxSyncRequestsInFlight) = (1, 1, 3),
            remoteServices: s => s.AddSingleton<IChannelContent>(sp => remoteContent = new CountingChannelContent(sp.GetRequiredService<InMemoryChatContent>()) { WithoutMembershipHistory = true }));
        _ = Pair.Remote.Services.GetRequiredService<IChannelContent>();
        Assert.That(remoteContent, Is.Not.Null);

        // Pages of one post: [post, Alice leaves], [post, Alice joins again], [post]; written while the link is down,
        // so the whole backlog is read in one round once it is back.
        Pair.Network.SetReachable(Pair.Remote.SiteUrl, false);
        await Pair.WriteBacklogAsync(1);
        await Pair.Home.Content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = Channel, UserId = SharedChannelPair.Alice, IsAdd = false, ChangeTime = Pair.Time.GetUtcNow() });
        Pair.Time.Advance(TimeSpan.FromSeconds(1));
        await Pair.WriteBacklogAsync(1);
        await Pair.Home.Content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = Channel, UserId = SharedChannelPair.Alice, IsAdd = true, ChangeTime = Pair.Time.GetUtcNow() });
        await Pair.WriteBacklogAsync(1);
        await Pair.SettleAsync();

        // Were the second page in flight with the first, it would be applied first here.
        var secondAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int firstOfRound = -1;
        Pair.HomeTransport.Answered = request =>
        {
            if (firstOfRound >= 0 && request.Sequence == firstOfRound + 1)
            {
                secondAnswered.TrySetResult();
            }
        };
        Pair.HomeTransport.BeforeDelivery = async request =>
        {
            if (Interlocked.CompareExchange(ref firstOfRound, request.Sequence, -1) == -1)
            {
                try
                {
                    await secondAnswered.Task.WaitAsync(TimeSpan.FromMilliseconds(500));
                }
                catch (TimeoutException)
                {
                    // The second page was not in flight: it waits for the first one's answer.
                }
            }
        };

        Pair.Network.SetReachable(Pair.Remote.SiteUrl, true);
        Pair.Time.Advance(TimeSpan.FromMinutes(10));
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.Remote.Content.GetMembers(Channel), Does.Contain(SharedChannelPair.Alice), "the later join wins");
            Assert.That(Pair.Home.Content.GetMembers(Channel), Does.Contain(SharedChannelPair.Alice));
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
        }
    }
}
