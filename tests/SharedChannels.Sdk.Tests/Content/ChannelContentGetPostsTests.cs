using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Testing;

namespace SharedChannels.Tests.Content;

/// <summary><see cref="IChannelContent.GetPostsAsync"/>: the interface's default and the in-memory implementation.</summary>
public sealed class ChannelContentGetPostsTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";
    private const string First = "post0000000000000000000001";
    private const string Second = "post0000000000000000000002";
    private const string Missing = "post0000000000000000000099";

    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static Post NewPost(string id, DateTimeOffset? deleteAt = null) =>
        new() { Id = id, ChannelId = Channel, UserId = Alice, Message = id, CreateAt = Now, UpdateAt = deleteAt ?? Now, DeleteAt = deleteAt };

    [Test]
    public async Task GetPostsAsync_DefaultImplementation_ReturnsOnlyTheFoundPostsAfterOneLookupPerId()
    {
        var host = new LookupOnlyContent(NewPost(First), NewPost(Second, deleteAt: Now.AddMinutes(1)));
        IChannelContent content = host;

        IReadOnlyDictionary<string, Post> found = await content.GetPostsAsync([First, Missing, Second]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Keys, Is.EquivalentTo(new[] { First, Second }));
            Assert.That(found[First], Is.EqualTo(NewPost(First)));
            Assert.That(found[Second].IsDeleted, Is.True, "deleted posts included");
            Assert.That(host.LookedUp, Is.EqualTo(new[] { First, Missing, Second }));
        }
    }

    [Test]
    public async Task GetPostsAsync_DefaultImplementation_PassesTheCancellationTokenToEachLookup()
    {
        var host = new LookupOnlyContent(NewPost(First));
        IChannelContent content = host;
        using var cancellation = new CancellationTokenSource();

        await content.GetPostsAsync([First, Missing], cancellation.Token);

        Assert.That(host.Tokens, Is.EqualTo(new[] { cancellation.Token, cancellation.Token }));
    }

    [Test]
    public async Task GetPostsAsync_DefaultImplementation_NoIds_ReturnsEmptyWithoutLookups()
    {
        var host = new LookupOnlyContent(NewPost(First));
        IChannelContent content = host;

        IReadOnlyDictionary<string, Post> found = await content.GetPostsAsync([]);

        Assert.That(found, Is.Empty);
        Assert.That(host.LookedUp, Is.Empty);
    }

    [Test]
    public void GetPostsAsync_DefaultImplementation_NullIds_ThrowsArgumentNullException()
    {
        var host = new LookupOnlyContent();
        IChannelContent content = host;

        var ex = Assert.ThrowsAsync<ArgumentNullException>(async () => await content.GetPostsAsync(null!));

        Assert.That(ex!.ParamName, Is.EqualTo("postIds"));
        Assert.That(host.LookedUp, Is.Empty);
    }

    [Test]
    public async Task GetPostsAsync_InMemory_ReturnsTheFoundPostsDeletedIncluded()
    {
        var content = new InMemoryChatContent(new FakeTimeProvider(Now));
        content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square" });
        content.CreatePost(First, Channel, Alice, "kept");
        content.CreatePost(Second, Channel, Alice, "removed");
        content.DeletePost(Second);

        IReadOnlyDictionary<string, Post> found = await content.GetPostsAsync([Second, Missing, First]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Keys, Is.EquivalentTo(new[] { First, Second }));
            Assert.That(found[First].Message, Is.EqualTo("kept"));
            Assert.That(found[Second].IsDeleted, Is.True);
            Assert.That(found[Second], Is.EqualTo(await content.GetPostAsync(Second)));
        }
    }

    [Test]
    public void GetPostsAsync_InMemory_NullIds_ThrowsArgumentNullException()
    {
        var content = new InMemoryChatContent(new FakeTimeProvider(Now));

        Assert.ThrowsAsync<ArgumentNullException>(async () => await content.GetPostsAsync(null!));
    }

    /// <summary>A host that implements only the required members, so the interface's defaults run.</summary>
    private sealed class LookupOnlyContent(params Post[] posts) : IChannelContent
    {
        private readonly Dictionary<string, Post> _posts = posts.ToDictionary(p => p.Id, StringComparer.Ordinal);

        public List<string> LookedUp { get; } = [];

        public List<CancellationToken> Tokens { get; } = [];

        public ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default)
        {
            LookedUp.Add(postId);
            Tokens.Add(cancellationToken);
            return ValueTask.FromResult(_posts.GetValueOrDefault(postId));
        }

        public ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
