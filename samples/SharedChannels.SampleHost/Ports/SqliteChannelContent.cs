using System.Globalization;
using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Samples.Chat;
using SharedChannels.Storage;
using SharedChannels.Sync;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// The SDK's view of this host's channels (<see cref="IChannelContent"/>), over the sample's own tables. The cursor is
/// the last <c>changes.seq</c> read; <see cref="ReadChangesAsync"/> returns the latest state of everything changed
/// after it.
/// </summary>
/// <param name="database">The chat database.</param>
/// <param name="sync">The sync engine, told about local membership changes the SDK makes (the admin joining a channel shared with this workspace).</param>
/// <param name="sharedChannels">The SDK's record of shared channels, to know which channels are homed here.</param>
public sealed class SqliteChannelContent(ChatDatabase database, SharedChannelSync sync, ISharedChannelStore sharedChannels) : IChannelContent
{
    // A page also ends after this many change rows, so one batch stays bounded whatever changed.
    private const int MaxChangesPerPage = 1000;

    /// <inheritdoc />
    public async ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetChannelAsync(db, channelId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        await ChatTables.InsertChannelAsync(db, channel with { TeamId = teamId }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        object? latest = await db.ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE channel_id = $channel_id;", cancellationToken, ("$channel_id", channelId));
        return Convert.ToInt64(latest, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default)
    {
        long position = cursor is null ? 0 : long.Parse(cursor, CultureInfo.InvariantCulture);
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);

        // One read transaction: the change rows and the items' latest state come from the same snapshot.
        using SqliteTransaction? snapshot = ChatDatabase.BeginTransactionUnlessShared(db, deferred: true);
        var postIds = new List<string>();
        var pagePosts = new HashSet<string>(StringComparer.Ordinal);
        var reactions = new HashSet<(string PostId, string UserId, string Emoji)>();
        var acknowledgements = new HashSet<(string PostId, string UserId)>();
        var memberships = new List<MembershipChange>();
        int taken = 0;
        bool hasMore = false;

        // Rows are read one at a time until the page is full: a page of 50 posts reads 51 rows, not the 1001 the
        // statement allows (materializing those was most of the cost of reading a page).
        await db.ReadWhileAsync(
            "SELECT seq, kind, post_id, user_id, emoji_name, is_add, at, remote_id FROM changes WHERE channel_id = $channel_id AND seq > $after ORDER BY seq LIMIT $limit;",
            reader => new ChangeRow(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetOptionalString(2),
                reader.GetOptionalString(3),
                reader.GetOptionalString(4),
                !reader.IsDBNull(5) && reader.GetBoolean(5),
                reader.GetOptionalTime(6),
                reader.GetOptionalString(7)),
            row =>
            {
                bool newPost = row.Kind == ChangeKind.Post && !pagePosts.Contains(row.PostId!);
                if ((newPost && postIds.Count == maxPosts) || taken == MaxChangesPerPage)
                {
                    hasMore = true;
                    return false;
                }

                if (newPost)
                {
                    postIds.Add(row.PostId!);
                    pagePosts.Add(row.PostId!);
                }
                else if (row.Kind == ChangeKind.Reaction)
                {
                    reactions.Add((row.PostId!, row.UserId!, row.EmojiName!));
                }
                else if (row.Kind == ChangeKind.Acknowledgement)
                {
                    acknowledgements.Add((row.PostId!, row.UserId!));
                }
                else if (row.Kind == ChangeKind.Membership)
                {
                    memberships.Add(new MembershipChange { ChannelId = channelId, UserId = row.UserId!, IsAdd = row.IsAdd, ChangeTime = row.At!.Value, RemoteId = row.RemoteId });
                }

                position = row.Seq;
                taken++;
                return true;
            },
            cancellationToken,
            ("$channel_id", channelId), ("$after", position), ("$limit", MaxChangesPerPage + 1));

        // The latest state of each item: an edit made after this page is sent again with a later page, harmlessly.
        // The page's posts in one query, in the order of the log (one query per post was a tenth of a sync).
        Dictionary<string, Post> states = await ChatTables.GetPostsAsync(db, postIds, cancellationToken);
        var posts = new List<Post>(postIds.Count);
        foreach (string id in postIds)
        {
            if (states.TryGetValue(id, out Post? post))
            {
                posts.Add(post);
            }
        }

        var reactionStates = new List<Reaction>();
        foreach ((string postId, string userId, string emoji) in reactions)
        {
            if (await ChatTables.GetReactionAsync(db, postId, userId, emoji, cancellationToken) is { } reaction)
            {
                reactionStates.Add(reaction);
            }
        }

        var acknowledgementStates = new List<Acknowledgement>();
        foreach ((string postId, string userId) in acknowledgements)
        {
            if (await ChatTables.GetAcknowledgementAsync(db, postId, userId, cancellationToken) is { } acknowledgement)
            {
                acknowledgementStates.Add(acknowledgement);
            }
        }

        return new ChannelChanges
        {
            Posts = posts,
            Reactions = reactionStates,
            Acknowledgements = acknowledgementStates,
            MembershipChanges = memberships,
            NextCursor = position.ToString(CultureInfo.InvariantCulture),
            HasMore = hasMore,
        };
    }

    /// <inheritdoc />
    public async ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetPostAsync(db, postId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(postIds);
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetPostsAsync(db, postIds, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetReactionAsync(db, postId, userId, emojiName, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetLatestMembershipChangeAsync(db, channelId, userId, cancellationToken);
    }

    // Items from peers: stored, and logged in channels homed here so the SDK relays them to the other workspaces (the
    // change is notified once the peer's message is committed, see PeerMessageTransactions). In a channel homed
    // elsewhere they are not logged: the only workspace the SDK could send them to is their home, where they came from.

    /// <inheritdoc />
    public async ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
        bool log = await IsLoggedAsync(post.ChannelId, post.RemoteId, cancellationToken);
        await WriteAsync(db => ChatTables.SavePostAsync(db, post, cancellationToken, log), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reaction);
        bool log = await IsLoggedAsync(reaction.ChannelId, reaction.RemoteId, cancellationToken);
        await WriteAsync(db => ChatTables.SaveReactionAsync(db, reaction, cancellationToken, log), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        bool log = await IsLoggedAsync(acknowledgement.ChannelId, acknowledgement.RemoteId, cancellationToken);
        await WriteAsync(db => ChatTables.SaveAcknowledgementAsync(db, acknowledgement, cancellationToken, log), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await WriteAsync(db => ChatTables.ApplyMembershipAsync(db, change, cancellationToken), cancellationToken);
        if (change.RemoteId is null)
        {
            // A local change (made by the SDK on this workspace's behalf): send it like any other.
            sync.NotifyChannelChanged(change.ChannelId);
        }
    }

    /// <summary>Whether an item goes into the change log: always when it is this workspace's own, a peer's only in a channel homed here.</summary>
    private async ValueTask<bool> IsLoggedAsync(string channelId, string? remoteId, CancellationToken cancellationToken)
    {
        if (remoteId is null)
        {
            return true;
        }

        // Asked once per channel and peer message (which holds the answer), not once per item.
        PeerMessageTransaction? message = PeerMessageTransaction.Find(database, cancellationToken);
        if (message?.TryGetHomedHere(channelId, out bool known) == true)
        {
            return known;
        }

        // Not shared (any more): logged, as a local channel's items are.
        bool homedHere = await sharedChannels.GetChannelAsync(channelId, cancellationToken) is not { IsHome: false };
        message?.SetHomedHere(channelId, homedHere);
        return homedHere;
    }

    private async Task WriteAsync(Func<SqliteConnection, Task> write, CancellationToken cancellationToken)
    {
        // While the SDK applies a peer's message, its transaction covers the write (see PeerMessageTransaction).
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        using SqliteTransaction? transaction = ChatDatabase.BeginTransactionUnlessShared(db, deferred: false);
        await write(db);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private sealed record ChangeRow(long Seq, string Kind, string? PostId, string? UserId, string? EmojiName, bool IsAdd, DateTimeOffset? At, string? RemoteId);
}
