using System.Globalization;
using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// The SDK's view of this host's channels (<see cref="IChannelContent"/>), over the sample's own tables. The cursor is
/// the last <c>changes.seq</c> read; <see cref="ReadChangesAsync"/> returns the latest state of everything changed
/// after it.
/// </summary>
public sealed class SqliteChannelContent : IChannelContent
{
    // A page also ends after this many change rows, so one batch stays bounded whatever changed.
    private const int MaxChangesPerPage = 1000;

    private readonly IChatConnections _database;
    private readonly InboundTransactionContext? _inbound;

    /// <summary>Initializes a new instance of the <see cref="SqliteChannelContent"/> class over pooled connections.</summary>
    /// <param name="database">The chat database.</param>
    public SqliteChannelContent(ChatDatabase database)
        : this((IChatConnections)database, inbound: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SqliteChannelContent"/> class writing in a peer message's transaction.</summary>
    internal SqliteChannelContent(IChatConnections database, InboundTransactionContext? inbound)
    {
        _database = database;
        _inbound = inbound;
    }

    /// <inheritdoc />
    public async ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetChannelAsync(db, channelId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await using SqliteConnection db = await _database.OpenForWriteAsync(cancellationToken);
        await ChatTables.InsertChannelAsync(db, channel with { TeamId = teamId }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        object? latest = await db.ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE channel_id = $channel_id;", cancellationToken, ("$channel_id", channelId));
        return Convert.ToInt64(latest, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default)
    {
        long position = cursor is null ? 0 : long.Parse(cursor, CultureInfo.InvariantCulture);
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);

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
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetPostAsync(db, postId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(postIds);
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetPostsAsync(db, postIds, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetReactionAsync(db, postId, userId, emojiName, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetLatestMembershipChangeAsync(db, channelId, userId, cancellationToken);
    }

    // Items from peers: stored, and put in the change log unless the SDK says it will never read them back (see
    // IsLogged). Writes in a peer's message go through its transaction (SqliteInboundTransaction), committed by the SDK.

    /// <inheritdoc />
    public async ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
        bool log = IsLogged(post.ChannelId, post.RemoteId);
        await WriteAsync(db => ChatTables.SavePostAsync(db, post, cancellationToken, log), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reaction);
        bool log = IsLogged(reaction.ChannelId, reaction.RemoteId);
        await WriteAsync(db => ChatTables.SaveReactionAsync(db, reaction, cancellationToken, log), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        bool log = IsLogged(acknowledgement.ChannelId, acknowledgement.RemoteId);
        await WriteAsync(db => ChatTables.SaveAcknowledgementAsync(db, acknowledgement, cancellationToken, log), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await WriteAsync(db => ChatTables.ApplyMembershipAsync(db, change, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Whether an item goes into the change log: always when it is this workspace's own; a peer's unless the SDK said it
    /// never reads it back (a channel homed on that peer: the only workspace it could go to is the one it came from).
    /// </summary>
    private bool IsLogged(string channelId, string? remoteId) => remoteId is null || _inbound?.RecordsChanges(channelId) != false;

    private async Task WriteAsync(Func<SqliteConnection, Task> write, CancellationToken cancellationToken)
    {
        // In a peer message's transaction (SqliteInboundTransaction) the transaction covers the write.
        await using SqliteConnection db = await _database.OpenForWriteAsync(cancellationToken);
        using SqliteTransaction? transaction = ChatDatabase.BeginTransactionUnlessShared(db, deferred: false);
        await write(db);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private sealed record ChangeRow(long Seq, string Kind, string? PostId, string? UserId, string? EmojiName, bool IsAdd, DateTimeOffset? At, string? RemoteId);
}
