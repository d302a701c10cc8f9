using Moq;
using SharedChannels.Identity;
using SharedChannels.Sync;
using SharedChannels.Sync.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Sync;

/// <summary>How a message refused as too large is cut in halves, and a host substituting <see cref="SharedChannelSync"/> in its tests.</summary>
public sealed class PayloadSplitterAndMockingTests
{
    [Test]
    public void Halve_PostsInOrder_SecondHalfCarriesTheOtherItemsAndBothTheUsers()
    {
        SyncMsgDto message = Message(posts: 5);

        (SyncMsgDto first, SyncMsgDto second) = PayloadSplitter.Halve(message)!.Value;

        Assert.That(first.Posts!.Select(p => p.Id), Is.EqualTo(new[] { "p0", "p1" }));
        Assert.That(second.Posts!.Select(p => p.Id), Is.EqualTo(new[] { "p2", "p3", "p4" }));
        Assert.That(first.Reactions, Is.Null);
        Assert.That(second.Reactions, Has.Count.EqualTo(1));
        Assert.That(new[] { first.Users, second.Users }, Has.All.SameAs(message.Users));
        Assert.That(new[] { first.Id, second.Id }, Has.None.EqualTo(message.Id));
    }

    [Test]
    public void Halve_OnePost_CannotBeHalved()
    {
        Assert.That(PayloadSplitter.Halve(Message(posts: 1)), Is.Null);
    }

    [Test]
    public void UserChunks_MoreUsersThanOneMessageTakes_ChunksOfTheMaximum()
    {
        var message = new SyncMsgDto { Users = Enumerable.Range(0, 60).ToDictionary(i => $"u{i}", i => new UserDto { Id = $"u{i}" }) };

        Assert.That(PayloadSplitter.UserChunks(message)!.Select(c => c.Count), Is.EqualTo(new[] { 25, 25, 10 }));
        Assert.That(PayloadSplitter.UserChunks(new SyncMsgDto { Users = new() { ["u"] = new UserDto { Id = "u" } } }), Is.Null);
    }

    [Test]
    public async Task SharedChannelSync_MockedByAHost_RecordsItsCalls()
    {
        var sync = new Mock<SharedChannelSync>();
        var status = new UserStatus { UserId = "alice", Status = "away" };
        var handler = new HostHandler(sync.Object);

        await handler.OnPostCreatedAsync("town");
        sync.Object.NotifyUserStatusChanged(status);

        sync.Verify(s => s.NotifyChannelChanged("town"), Times.Once);
        sync.Verify(s => s.WhenIdleAsync(It.IsAny<CancellationToken>()), Times.Once);
        sync.Verify(s => s.NotifyUserStatusChanged(status), Times.Once);
    }

    [Test]
    public async Task SharedChannelSync_CreatedForMocking_DoesNothingAndDisposes()
    {
        var sync = new Mock<SharedChannelSync> { CallBase = true }.Object;

        sync.NotifyChannelChanged("town");
        sync.NotifyUserStatusChanged(new UserStatus { UserId = "alice", Status = "away" });
        await sync.WhenIdleAsync();
        await sync.DisposeAsync();
        sync.Dispose();

        Assert.That(sync.IsIdle, Is.True);
    }

    private static SyncMsgDto Message(int posts) => new()
    {
        Id = RemoteIds.NewId(),
        ChannelId = "chan0000000000000000000000",
        Users = new() { ["alice"] = new UserDto { Id = "alice" } },
        Posts = [.. Enumerable.Range(0, posts).Select(i => new PostDto { Id = $"p{i}" })],
        Reactions = [new ReactionDto { PostId = "p4", UserId = "alice", EmojiName = "eyes" }],
    };

    /// <summary>What a host's own code looks like: it tells the SDK about a change and waits for the sync.</summary>
    private sealed class HostHandler(SharedChannelSync sync)
    {
        public async Task OnPostCreatedAsync(string channelId)
        {
            sync.NotifyChannelChanged(channelId);
            await sync.WhenIdleAsync();
        }
    }
}
