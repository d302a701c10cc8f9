using System.Collections.Concurrent;
using SharedChannels.Content;
using SharedChannels.Sync;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Sync;

/// <summary>
/// Users per sync message: the sender puts at most 25 in one (Mattermost's MaxUsersPerSync), sending the users of a
/// page that refers to more in messages of their own first; a receiver takes at most MaxUsersPerSyncMessage.
/// </summary>
public sealed class UsersPerMessageTests : SharedChannelPairFixture
{
    private const string Channel = SharedChannelPair.Channel;

    [Test]
    public async Task SyncChannelAsync_PageByMoreThan25Authors_SendsTheUsersFirstInMessagesOf25()
    {
        await StartPairAsync();
        await Pair.ForgetThatPeersRunTheSdkAsync();
        List<string> posts = await WritePostsByDistinctAuthorsAsync(60);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        IReadOnlyList<SyncRequest> sent = [.. Pair.HomeTransport.Attempted];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sent.Select(r => r.UserIds.Count), Has.All.LessThanOrEqualTo(25), "no message describes more than 25 users");
            Assert.That(sent.Where(r => r.PostIds.Count == 0).Select(r => r.UserIds.Count), Is.EqualTo(new[] { 25, 25 }), "the first page's 50 authors (pages of 50 posts) went first, on their own");
            Assert.That(sent.Where(r => r.PostIds.Count > 0).Select(r => r.UserIds.Count), Is.EqualTo(new[] { 0, 10 }), "the second page's 10 went with its posts");
            Assert.That(Pair.PostIdsOnRemote(), Is.EquivalentTo(posts), "every post arrived, its author known");
            Assert.That(await Pair.CursorAsync(), Is.EqualTo(await Pair.LatestCursorAsync()));
        }
    }

    [Test]
    public async Task ReceiveSync_MoreUsersThanMaxUsersPerSyncMessage_RefusesTheRestEachWithTheReason()
    {
        await StartPairAsync(remoteOptions: o => o.MaxUsersPerSyncMessage = 10);
        var rejected = new ConcurrentQueue<SyncItemRejectedEventArgs>();
        Pair.Home.Sync.ItemRejected += (_, e) => rejected.Enqueue(e);
        await WritePostsByDistinctAuthorsAsync(25);

        Pair.Home.Sync.NotifyChannelChanged(Channel);
        await Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Pair.Remote.Content.GetUsers().Count(u => u.IsRemote), Is.EqualTo(10), "ten users of the one message of 25");
            Assert.That(rejected.Where(e => e.Kind == "user").Select(e => e.Reason), Has.Exactly(15).Contain("more than 10 users"));
            Assert.That(Pair.PostIdsOnRemote(), Has.Count.EqualTo(10), "posts of the refused users are refused too: their authors are unknown");
        }
    }

    private async Task<List<string>> WritePostsByDistinctAuthorsAsync(int count)
    {
        var ids = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string user = $"author{i:D20}";
            Pair.Home.Content.AddLocalUser(user, $"author{i}");
            DateTimeOffset now = Pair.Time.GetUtcNow();
            string id = Pair.NewId();
            await Pair.Home.Content.UpsertPostAsync(new Post { Id = id, ChannelId = Channel, UserId = user, Message = $"post {i}", CreateAt = now, UpdateAt = now });
            ids.Add(id);
        }

        return ids;
    }
}
