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
public abstract class ChannelContentContractTests<TContent>
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

    /// <summary>A post from a peer reads back with every field it was given.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertPostAsync_PeerPost_RoundTripsItsFields()
    {
        string channelId = await NewChannelAsync(1);
        Post root = NewPost(1, channelId, 1) with { RemoteId = Peer };
        Post reply = NewPost(2, channelId, 2) with
        {
            RootId = root.Id,
            Message = "Grüße ✨ \"quoted\" \n second line",
            UpdateAt = ContractData.Time(4),
            EditAt = ContractData.Time(3),
            RemoteId = Peer,
        };

        await Content.UpsertPostAsync(root);
        await Content.UpsertPostAsync(reply);
        Post? stored = await Content.GetPostAsync(reply.Id);

        Assert.That(stored, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored!.ChannelId, Is.EqualTo(channelId));
            Assert.That(stored.UserId, Is.EqualTo(Author));
            Assert.That(stored.RootId, Is.EqualTo(root.Id));
            Assert.That(stored.Message, Is.EqualTo(reply.Message));
            Assert.That(stored.CreateAt, Is.EqualTo(reply.CreateAt));
            Assert.That(stored.UpdateAt, Is.EqualTo(reply.UpdateAt));
            Assert.That(stored.EditAt, Is.EqualTo(reply.EditAt));
            Assert.That(stored.DeleteAt, Is.Null);
            Assert.That(stored.RemoteId, Is.EqualTo(Peer));
        }
    }

    /// <summary>The files attached to a post read back, in order.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertPostAsync_WithFiles_RoundTripsTheFileIds()
    {
        string channelId = await NewChannelAsync(1);
        Post post = NewPost(1, channelId, 1) with { FileIds = [Id("file", 2), Id("file", 1)], RemoteId = Peer };

        await Content.UpsertPostAsync(post);
        Post? stored = await Content.GetPostAsync(post.Id);

        Assert.That(stored?.FileIds, Is.EqualTo(post.FileIds));
    }

    /// <summary>Applying the same post twice gives one post, in that state, read once in the channel's changes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertPostAsync_SamePostTwice_GivesOnePost()
    {
        string channelId = await NewChannelAsync(1);
        Post post = NewPost(1, channelId, 1);

        await Content.UpsertPostAsync(post);
        await Content.UpsertPostAsync(post);
        ChannelChanges page = await Content.ReadChangesAsync(channelId, null, 100);
        Post? stored = await Content.GetPostAsync(post.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Posts.Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
            Assert.That(stored?.Message, Is.EqualTo(post.Message));
            Assert.That(stored?.UpdateAt, Is.EqualTo(post.UpdateAt));
        }
    }

    /// <summary>A deleted post is still returned by <see cref="IChannelContent.GetPostAsync"/>, with its delete time.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetPostAsync_DeletedPost_ReturnsItWithItsDeleteTime()
    {
        string channelId = await NewChannelAsync(1);
        Post post = NewPost(1, channelId, 1) with { RemoteId = Peer };
        await Content.UpsertPostAsync(post);

        await Content.UpsertPostAsync(post with { Message = string.Empty, DeleteAt = ContractData.Time(2), UpdateAt = ContractData.Time(2) });
        Post? stored = await Content.GetPostAsync(post.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored, Is.Not.Null);
            Assert.That(stored?.DeleteAt, Is.EqualTo(ContractData.Time(2)));
            Assert.That(stored?.IsDeleted, Is.True);
        }
    }

    /// <summary><see cref="IChannelContent.GetPostsAsync"/> returns live and deleted posts by id and leaves out unknown ids.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetPostsAsync_LiveDeletedAndMissing_ReturnsTheExistingOnesWithDeleteTimes()
    {
        string channelId = await NewChannelAsync(1);
        await Content.UpsertPostAsync(NewPost(1, channelId, 1) with { RemoteId = Peer });
        await Content.UpsertPostAsync(NewPost(2, channelId, 2) with { DeleteAt = ContractData.Time(3), UpdateAt = ContractData.Time(3), RemoteId = Peer });

        IReadOnlyDictionary<string, Post> found = await Content.GetPostsAsync([PostId(1), PostId(2), PostId(3)]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Keys, Is.EquivalentTo(new[] { PostId(1), PostId(2) }));
            Assert.That(found.GetValueOrDefault(PostId(1))?.DeleteAt, Is.Null);
            Assert.That(found.GetValueOrDefault(PostId(2))?.DeleteAt, Is.EqualTo(ContractData.Time(3)));
        }
    }

    /// <summary>A post that does not exist is <see langword="null"/>.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetPostAsync_Missing_ReturnsNull()
    {
        Assert.That(await Content.GetPostAsync(PostId(99)), Is.Null);
    }

    /// <summary>Applying the same reaction twice gives one reaction in the channel's changes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertReactionAsync_SameReactionTwice_IsReadOnce()
    {
        string channelId = await NewChannelAsync(1);
        await Content.UpsertPostAsync(NewPost(1, channelId, 1));
        Reaction reaction = NewReaction(1, channelId, "smile", 2);

        await Content.UpsertReactionAsync(reaction);
        await Content.UpsertReactionAsync(reaction);
        ChannelChanges page = await Content.ReadChangesAsync(channelId, null, 100);

        Assert.That(page.Reactions, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Reactions[0].PostId, Is.EqualTo(PostId(1)));
            Assert.That(page.Reactions[0].UserId, Is.EqualTo(Author));
            Assert.That(page.Reactions[0].EmojiName, Is.EqualTo("smile"));
            Assert.That(page.Reactions[0].DeleteAt, Is.Null);
        }
    }

    /// <summary>A removed reaction is read in the changes with its delete time, and looked up with it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertReactionAsync_Removed_IsReadAndLookedUpWithItsDeleteTime()
    {
        Assume.That(ImplementsStateLookups, Is.True, "GetReactionAsync is not implemented");
        string channelId = await NewChannelAsync(1);
        await Content.UpsertPostAsync(NewPost(1, channelId, 1));
        Reaction reaction = NewReaction(1, channelId, "tada", 2);
        await Content.UpsertReactionAsync(reaction);
        string cursor = await Content.GetLatestCursorAsync(channelId);

        await Content.UpsertReactionAsync(reaction with { DeleteAt = ContractData.Time(3), UpdateAt = ContractData.Time(3) });
        ChannelChanges page = await Content.ReadChangesAsync(channelId, cursor, 100);
        Reaction? stored = await Content.GetReactionAsync(PostId(1), Author, "tada");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Reactions.Select(r => r.DeleteAt), Is.EqualTo(new DateTimeOffset?[] { ContractData.Time(3) }));
            Assert.That(stored?.DeleteAt, Is.EqualTo(ContractData.Time(3)));
            Assert.That(stored?.UpdateAt, Is.EqualTo(ContractData.Time(3)));
        }
    }

    /// <summary>A reaction that was never applied is unknown.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetReactionAsync_Unknown_ReturnsNull()
    {
        string channelId = await NewChannelAsync(1);
        await Content.UpsertPostAsync(NewPost(1, channelId, 1));

        Assert.That(await Content.GetReactionAsync(PostId(1), Author, "smile"), Is.Null);
    }

    /// <summary>Applying the same acknowledgement twice gives one acknowledgement in the channel's changes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertAcknowledgementAsync_SameAcknowledgementTwice_IsReadOnce()
    {
        string channelId = await NewChannelAsync(1);
        await Content.UpsertPostAsync(NewPost(1, channelId, 1));
        Acknowledgement acknowledgement = NewAcknowledgement(1, channelId, 2);

        await Content.UpsertAcknowledgementAsync(acknowledgement);
        await Content.UpsertAcknowledgementAsync(acknowledgement);
        ChannelChanges page = await Content.ReadChangesAsync(channelId, null, 100);

        Assert.That(page.Acknowledgements, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Acknowledgements[0].PostId, Is.EqualTo(PostId(1)));
            Assert.That(page.Acknowledgements[0].UserId, Is.EqualTo(Author));
            Assert.That(page.Acknowledgements[0].AcknowledgedAt, Is.EqualTo(ContractData.Time(2)));
        }
    }

    /// <summary>A membership change is read in the channel's changes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ApplyMembershipChangeAsync_Join_IsReadInTheChanges()
    {
        string channelId = await NewChannelAsync(1);
        string cursor = await Content.GetLatestCursorAsync(channelId);
        var join = new MembershipChange { ChannelId = channelId, UserId = Author, IsAdd = true, ChangeTime = ContractData.Time(1) };

        await Content.ApplyMembershipChangeAsync(join);
        ChannelChanges page = await Content.ReadChangesAsync(channelId, cursor, 100);

        Assert.That(page.MembershipChanges, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.MembershipChanges[0].UserId, Is.EqualTo(Author));
            Assert.That(page.MembershipChanges[0].IsAdd, Is.True);
            Assert.That(page.MembershipChanges[0].ChangeTime, Is.EqualTo(ContractData.Time(1)));
        }
    }

    /// <summary>The latest membership change of a user is the last one applied: a join, then a leave.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetLatestMembershipChangeAsync_JoinThenLeave_ReturnsTheLeave()
    {
        Assume.That(ImplementsStateLookups, Is.True, "GetLatestMembershipChangeAsync is not implemented");
        string channelId = await NewChannelAsync(1);
        await Content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = channelId, UserId = Author, IsAdd = true, ChangeTime = ContractData.Time(1), RemoteId = Peer });
        MembershipChange? afterJoin = await Content.GetLatestMembershipChangeAsync(channelId, Author);

        await Content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = channelId, UserId = Author, IsAdd = false, ChangeTime = ContractData.Time(2), RemoteId = Peer });
        MembershipChange? afterLeave = await Content.GetLatestMembershipChangeAsync(channelId, Author);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterJoin?.IsAdd, Is.True);
            Assert.That(afterJoin?.ChangeTime, Is.EqualTo(ContractData.Time(1)));
            Assert.That(afterLeave?.IsAdd, Is.False);
            Assert.That(afterLeave?.ChangeTime, Is.EqualTo(ContractData.Time(2)));
            Assert.That(await Content.GetLatestMembershipChangeAsync(channelId, Id("stranger", 1)), Is.Null);
        }
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
