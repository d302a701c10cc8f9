using NUnit.Framework;
using SharedChannels.Content;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="IChannelContent"/> must meet: channels, cursors that resume without gaps or
/// duplicates, idempotent upserts, deleted posts that stay readable, membership changes. Derive a fixture from it,
/// implement <see cref="CreateContentAsync"/>, and the tests run against your port.
/// </summary>
/// <typeparam name="TContent">The implementation under test.</typeparam>
/// <remarks>
/// <para>
/// The content is created by a <c>[SetUp]</c> method of this class, which NUnit runs before the derived fixture's own
/// <c>[SetUp]</c> methods: create everything it needs inside <see cref="CreateContentAsync"/>, and release it in a
/// <c>[TearDown]</c> method of the derived fixture.
/// </para>
/// <para>
/// Every channel the suite uses is created with <see cref="IChannelContent.CreateChannelAsync"/> first. Items whose
/// <c>RemoteId</c> is <see langword="null"/> are this workspace's own (as the SDK writes them on its behalf): they are
/// changes of their channel and must be read by <see cref="IChannelContent.ReadChangesAsync"/>. Times are whole
/// milliseconds: that is the precision a port must keep.
/// </para>
/// </remarks>
public abstract partial class ChannelContentContractTests<TContent>
    where TContent : class, IChannelContent
{
    private const string Team = "team1xxxxxxxxxxxxxxxxxxxxx";
    private const string Author = "author1xxxxxxxxxxxxxxxxxxx";
    private const string Peer = "peer1xxxxxxxxxxxxxxxxxxxxx";

    private TContent? _content;

    /// <summary>Gets the content under test: fresh and empty at the start of each test.</summary>
    /// <exception cref="InvalidOperationException">Read outside a test.</exception>
    protected TContent Content => _content ?? throw new InvalidOperationException("The content is created before each test; read it inside a test.");

    /// <summary>
    /// Gets a value indicating whether the port implements the optional lookups <see cref="IChannelContent.GetReactionAsync"/>
    /// and <see cref="IChannelContent.GetLatestMembershipChangeAsync"/>. When <see langword="false"/>, their tests are
    /// inconclusive.
    /// </summary>
    protected virtual bool ImplementsStateLookups => true;

    /// <summary>Creates the content under test before each test.</summary>
    /// <returns>A task that completes when the content exists.</returns>
    [SetUp]
    public async Task CreateContentBeforeEachTestAsync() => _content = await CreateContentAsync().ConfigureAwait(false);

    /// <summary>A created channel reads back with its id, names and type, in the given team.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task CreateChannelAsync_NewChannel_GetChannelAsyncReturnsItInTheGivenTeam()
    {
        ChannelInfo channel = Channel(1) with { TeamId = "other-team-of-the-home", Header = "A header", Purpose = "A purpose", Type = ChannelType.Private };

        await Content.CreateChannelAsync(channel, Team);
        ChannelInfo? stored = await Content.GetChannelAsync(channel.Id);

        Assert.That(stored, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored!.Id, Is.EqualTo(channel.Id));
            Assert.That(stored.TeamId, Is.EqualTo(Team));
            Assert.That(stored.Name, Is.EqualTo(channel.Name));
            Assert.That(stored.DisplayName, Is.EqualTo(channel.DisplayName));
            Assert.That(stored.Type, Is.EqualTo(ChannelType.Private));
        }
    }

    /// <summary>Creating a channel that exists does nothing: the stored channel is left as it was.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task CreateChannelAsync_ExistingChannel_LeavesItAsItWas()
    {
        ChannelInfo channel = Channel(1);
        await Content.CreateChannelAsync(channel, Team);

        await Content.CreateChannelAsync(channel with { DisplayName = "Renamed", Name = "renamed" }, Team);
        ChannelInfo? stored = await Content.GetChannelAsync(channel.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.DisplayName, Is.EqualTo(channel.DisplayName));
            Assert.That(stored?.Name, Is.EqualTo(channel.Name));
        }
    }

    /// <summary>A channel that does not exist is <see langword="null"/>.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetChannelAsync_Missing_ReturnsNull()
    {
        Assert.That(await Content.GetChannelAsync(Id("nochannel", 1)), Is.Null);
    }

    /// <summary>Nothing is read after the latest cursor: it is the current end of the channel's changes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReadChangesAsync_AfterLatestCursor_ReturnsNothing()
    {
        string channelId = await NewChannelAsync(1);
        await Content.UpsertPostAsync(NewPost(1, channelId, 1));
        await Content.UpsertReactionAsync(NewReaction(1, channelId, "smile", 2));
        await Content.UpsertAcknowledgementAsync(NewAcknowledgement(1, channelId, 3));
        await Content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = channelId, UserId = Author, IsAdd = true, ChangeTime = ContractData.Time(4) });

        string latest = await Content.GetLatestCursorAsync(channelId);
        ChannelChanges page = await Content.ReadChangesAsync(channelId, latest, 100);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.IsEmpty, Is.True, "changes after the latest cursor");
            Assert.That(page.HasMore, Is.False);
        }
    }

    /// <summary>After a cursor, exactly the later changes are read; reading again from the page's next cursor reads nothing.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReadChangesAsync_AfterCursor_ReturnsOnlyLaterChangesAndTheNextCursorAdvances()
    {
        string channelId = await NewChannelAsync(1);
        await Content.UpsertPostAsync(NewPost(1, channelId, 1));
        string before = await Content.GetLatestCursorAsync(channelId);
        await Content.UpsertPostAsync(NewPost(2, channelId, 2));

        ChannelChanges page = await Content.ReadChangesAsync(channelId, before, 100);
        ChannelChanges next = await Content.ReadChangesAsync(channelId, page.NextCursor, 100);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Posts.Select(p => p.Id), Is.EqualTo(new[] { PostId(2) }));
            Assert.That(page.HasMore, Is.False);
            Assert.That(next.IsEmpty, Is.True, "changes after the page's next cursor");
        }
    }

    /// <summary>Reading page by page from the beginning returns every post exactly once, each page within <c>maxPosts</c>.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReadChangesAsync_PageByPage_ResumesWithoutGapsOrDuplicates()
    {
        string channelId = await NewChannelAsync(1);
        for (int i = 1; i <= 7; i++)
        {
            await Content.UpsertPostAsync(NewPost(i, channelId, i));
        }

        var read = new List<string>();
        string? cursor = null;
        bool hasMore = true;
        for (int pages = 0; hasMore; pages++)
        {
            Assert.That(pages, Is.LessThan(8), "7 posts in pages of 3 take at most 3 pages (and one empty page)");
            ChannelChanges page = await Content.ReadChangesAsync(channelId, cursor, 3);
            Assert.That(page.Posts, Has.Count.LessThanOrEqualTo(3), "maxPosts");
            read.AddRange(page.Posts.Select(p => p.Id));
            cursor = page.NextCursor;
            hasMore = page.HasMore;
        }

        Assert.That(read, Is.EquivalentTo(Enumerable.Range(1, 7).Select(PostId)).And.Unique);
    }

    /// <summary>A page holds at most <c>maxPosts</c> posts and says that more follow; a larger page reads them all.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReadChangesAsync_MorePostsThanMaxPosts_HonoursMaxPostsAndSetsHasMore()
    {
        string channelId = await NewChannelAsync(1);
        for (int i = 1; i <= 5; i++)
        {
            await Content.UpsertPostAsync(NewPost(i, channelId, i));
        }

        ChannelChanges small = await Content.ReadChangesAsync(channelId, null, 2);
        ChannelChanges all = await Content.ReadChangesAsync(channelId, null, 10);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(small.Posts, Has.Count.InRange(1, 2));
            Assert.That(small.HasMore, Is.True);
            Assert.That(all.Posts.Select(p => p.Id), Is.EquivalentTo(Enumerable.Range(1, 5).Select(PostId)));
            Assert.That(all.HasMore, Is.False);
        }
    }

    /// <summary>A post changed after a cursor is read again after it, in its new state.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReadChangesAsync_PostEditedAfterCursor_ReturnsItsNewState()
    {
        string channelId = await NewChannelAsync(1);
        Post post = NewPost(1, channelId, 1);
        await Content.UpsertPostAsync(post);
        ChannelChanges first = await Content.ReadChangesAsync(channelId, null, 100);

        await Content.UpsertPostAsync(post with { Message = "edited", EditAt = ContractData.Time(5), UpdateAt = ContractData.Time(5) });
        ChannelChanges page = await Content.ReadChangesAsync(channelId, first.NextCursor, 100);

        Assert.That(page.Posts, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Posts[0].Id, Is.EqualTo(post.Id));
            Assert.That(page.Posts[0].Message, Is.EqualTo("edited"));
            Assert.That(page.Posts[0].EditAt, Is.EqualTo(ContractData.Time(5)));
        }
    }

    /// <summary>A channel's changes hold only that channel's items.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReadChangesAsync_TwoChannels_ReadsOnlyTheGivenChannel()
    {
        string first = await NewChannelAsync(1);
        string second = await NewChannelAsync(2);
        await Content.UpsertPostAsync(NewPost(1, first, 1));
        await Content.UpsertPostAsync(NewPost(2, second, 2));

        ChannelChanges page = await Content.ReadChangesAsync(first, null, 100);

        Assert.That(page.Posts.Select(p => p.Id), Is.EqualTo(new[] { PostId(1) }));
    }

    /// <summary>Creates a fresh, empty content port. Called once before each test.</summary>
    /// <returns>The port.</returns>
    protected abstract Task<TContent> CreateContentAsync();

    private static string Id(string prefix, int n) => ContractData.Id(prefix, n);

    private static string PostId(int n) => Id("post", n);

    private static ChannelInfo Channel(int n) => new() { Id = Id("channel", n), Name = "channel-" + n, DisplayName = "Channel ✨ " + n, Type = ChannelType.Open, CreatorId = Author };

    private static Post NewPost(int n, string channelId, int minute) => new()
    {
        Id = PostId(n),
        ChannelId = channelId,
        UserId = Author,
        Message = "message " + n,
        CreateAt = ContractData.Time(minute),
        UpdateAt = ContractData.Time(minute),
    };

    private static Reaction NewReaction(int post, string channelId, string emoji, int minute) => new()
    {
        PostId = PostId(post),
        ChannelId = channelId,
        UserId = Author,
        EmojiName = emoji,
        CreateAt = ContractData.Time(minute),
        UpdateAt = ContractData.Time(minute),
    };

    private static Acknowledgement NewAcknowledgement(int post, string channelId, int minute) => new()
    {
        PostId = PostId(post),
        ChannelId = channelId,
        UserId = Author,
        AcknowledgedAt = ContractData.Time(minute),
    };

    private async Task<string> NewChannelAsync(int n)
    {
        ChannelInfo channel = Channel(n);
        await Content.CreateChannelAsync(channel, Team).ConfigureAwait(false);
        return channel.Id;
    }
}
