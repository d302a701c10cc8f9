using Moq;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Sync.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Sync;

/// <summary>How one page of changes becomes the sync message for one connection.</summary>
public sealed class SyncBatchBuilderTests
{
    private const string Channel = "chan0000000000000000000000";
    private const string Peer = "peer0000000000000000000000";
    private const string Other = "other000000000000000000000";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private Mock<IUserDirectory> _users = null!;

    [SetUp]
    public void SetUp()
    {
        _users = new();
        _users.Setup(u => u.GetUserAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string id, CancellationToken _) => ValueTask.FromResult<ChatUser?>(id switch
            {
                "peeruser" => new ChatUser { Id = id, Username = "bob", RemoteId = Peer },
                "relayed" => new ChatUser { Id = id, Username = "carol", RemoteId = Other },
                _ => new ChatUser { Id = id, Username = id },
            }));
        _users.Setup(u => u.FindByUsernameAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(() => ValueTask.FromResult<ChatUser?>(null));
    }

    [Test]
    public async Task BuildAsync_ItemsFromTheTargetConnectionAndSystemMessages_AreDropped()
    {
        var page = new ChannelChanges
        {
            NextCursor = "c1",
            Posts = [Post("local1", "alice"), Post("echo", "peeruser", remoteId: Peer), Post("system", "alice", type: "system_join_channel"), Post("relayed1", "relayed", remoteId: Other)],
            Reactions = [Reaction("local1", "alice", null), Reaction("local1", "peeruser", Peer)],
            MembershipChanges = [Membership("alice", null), Membership("peeruser", Peer)],
        };

        SyncMsgDto? message = await BuildAsync(page);

        Assert.That(message, Is.Not.Null);
        Assert.That(message!.Posts!.Select(p => p.Id), Is.EqualTo(new[] { "local1", "relayed1" }));
        Assert.That(message.Reactions!.Select(r => r.UserId), Is.EqualTo(new[] { "alice" }));
        Assert.That(message.MembershipChanges!.Select(m => m.UserId), Is.EqualTo(new[] { "alice" }));
    }

    [Test]
    public async Task BuildAsync_RepliesBeforeTheirRoots_SendsRootsFirst()
    {
        var page = new ChannelChanges
        {
            NextCursor = "c1",
            Posts = [Post("reply1", "alice", rootId: "root1"), Post("root1", "alice"), Post("reply2", "alice", rootId: "root2"), Post("root2", "alice")],
        };

        SyncMsgDto? message = await BuildAsync(page);

        Assert.That(message!.Posts!.Select(p => p.Id), Is.EqualTo(new[] { "root1", "root2", "reply1", "reply2" }));
    }

    [Test]
    public async Task BuildAsync_UsersReferenced_AreAddedButNotThePeersOwn()
    {
        var page = new ChannelChanges
        {
            NextCursor = "c1",
            Posts = [Post("local1", "alice"), Post("relayed1", "relayed", remoteId: Other)],
            Reactions = [Reaction("local1", "dave", null), Reaction("local1", "peeruser", null)],
        };

        SyncMsgDto? message = await BuildAsync(page);

        Assert.That(message!.Users!.Keys, Is.EquivalentTo(new[] { "alice", "relayed", "dave" }));
        Assert.That(message.Users["relayed"].RemoteId, Is.EqualTo(Other), "a relayed user keeps its origin");
    }

    [Test]
    public async Task BuildAsync_NothingLeftAndNoStatuses_ReturnsNull()
    {
        var page = new ChannelChanges { NextCursor = "c1", Posts = [Post("echo", "peeruser", remoteId: Peer)] };

        Assert.That(await BuildAsync(page), Is.Null);
    }

    private Task<SyncMsgDto?> BuildAsync(ChannelChanges page) =>
        SyncBatchBuilder.BuildAsync(new SharedChannel { ChannelId = Channel, CreatedAt = Now }, Peer, page, [], _users.Object, CancellationToken.None);

    private static Post Post(string id, string userId, string? remoteId = null, string type = "", string rootId = "") =>
        new() { Id = id, ChannelId = Channel, UserId = userId, RemoteId = remoteId, Type = type, RootId = rootId, Message = "hello", CreateAt = Now, UpdateAt = Now };

    private static Reaction Reaction(string postId, string userId, string? remoteId) =>
        new() { PostId = postId, UserId = userId, ChannelId = Channel, EmojiName = "eyes", RemoteId = remoteId, CreateAt = Now, UpdateAt = Now };

    private static MembershipChange Membership(string userId, string? remoteId) =>
        new() { ChannelId = Channel, UserId = userId, IsAdd = true, ChangeTime = Now, RemoteId = remoteId };
}
