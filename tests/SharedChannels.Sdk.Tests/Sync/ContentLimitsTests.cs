using System.Collections.Concurrent;
using SharedChannels.Sync;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Sync;

/// <summary>A receiver refuses, per item, content beyond Mattermost's own limits, and stores nothing of it.</summary>
public sealed class ContentLimitsTests : SharedChannelPairFixture
{
    private const string Channel = SharedChannelPair.Channel;

    [Test]
    public async Task ReceivePost_LongerThanMaxPostMessageLength_IsRefusedAndTheRestIsApplied()
    {
        await StartPairAsync();
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);

        // 16 383 characters is Mattermost's limit; an emoji counts once although it takes two UTF-16 code units.
        List<string> ids = await Pair.WriteBacklogAsync(4, i => i switch
        {
            0 => new string('x', SharedChannelsOptions.DefaultMaxPostMessageLength),
            1 => new string('x', SharedChannelsOptions.DefaultMaxPostMessageLength + 1),
            2 => string.Concat(Enumerable.Repeat("\U0001F600", SharedChannelsOptions.DefaultMaxPostMessageLength)),
            _ => new string('x', 1024 * 1024),
        });
        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(new[] { ids[0], ids[2] }));
            Assert.That(rejected.Select(e => (e.Kind, e.ItemId)), Is.EquivalentTo(new[] { ("post", ids[1]), ("post", ids[3]) }));
            Assert.That(rejected.Select(e => e.Reason), Has.All.Contain("16383"));
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()), "a refused item does not stall the channel");
        }
    }

    [Test]
    public async Task ReceivePost_WithALowerLimitConfigured_RefusesWhatExceedsIt()
    {
        await StartPairAsync(remoteOptions: o => o.MaxPostMessageLength = 10);
        List<string> ids = await Pair.WriteBacklogAsync(2, i => i == 0 ? "0123456789" : "0123456789a");

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        Assert.That(Pair.PostIdsOnRemote(), Is.EqualTo(new[] { ids[0] }));
    }
}
