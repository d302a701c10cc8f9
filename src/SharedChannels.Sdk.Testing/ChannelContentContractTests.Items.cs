using NUnit.Framework;
using SharedChannels.Content;

namespace SharedChannels.Testing;

/// <content>The items of a channel: posts, files, deleted posts, reactions, acknowledgements and membership changes.</content>
public abstract partial class ChannelContentContractTests<TContent>
{
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
}
