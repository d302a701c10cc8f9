using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Sync;

/// <summary>A worker waiting out a retry delay toward a peer goes at once when that peer sends us anything authenticated.</summary>
public sealed class PeerActivityTests : SharedChannelPairFixture
{
    private const string Channel = SharedChannelPair.Channel;

    [Test]
    public async Task WorkerBackingOff_PeerSendsAnAuthenticatedRequest_RetriesWithoutWaitingOutTheDelay()
    {
        await StartPairAsync();
        List<string> ids = await Pair.WriteBacklogAsync(2);
        Pair.Network.SetReachable(Pair.Remote.SiteUrl, false);
        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        Pair.Network.SetReachable(Pair.Remote.SiteUrl, true);
        IReadOnlyList<string> whileBackingOff = Pair.PostIdsOnRemote();

        // The peer is back and pings us; no time passes, so only its request can end the wait.
        await Pair.Remote.Monitor.PingAllAsync();
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(whileBackingOff, Is.Empty, "the first attempt failed and the worker is waiting");
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(ids), "the peer's ping ended the wait");
        }
    }

    [Test]
    public async Task WorkerBackingOff_PeerRequestsInQuickSuccession_EndTheWaitOnlyOncePerInterval()
    {
        await StartPairAsync();
        await Pair.WriteBacklogAsync(1);
        Pair.Network.SetReachable(Pair.Remote.SiteUrl, false);
        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();
        int attempts = Pair.HomeTransport.Attempted.Count;

        // Still unreachable: each ended wait is one more failed attempt.
        for (int i = 0; i < 5; i++)
        {
            await Pair.Remote.Monitor.PingAllAsync();
            await Pair.SettleAsync();
        }

        Assert.That(Pair.HomeTransport.Attempted.Count - attempts, Is.EqualTo(1), "one retry for five requests within the interval");
    }
}
