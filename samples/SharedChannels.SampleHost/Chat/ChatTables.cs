using System.Text.Json;
using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// Row-level reads and writes of the chat tables, shared by the host's own operations (<see cref="ChatService"/>) and
/// the SDK ports (<c>Ports/</c>). Every write of channel content also appends to the <c>changes</c> log in the
/// caller's transaction, so nothing changes without the SDK seeing it.
/// </summary>
internal static class ChatTables
{
    private const string PostColumns = "id, channel_id, user_id, root_id, message, type, create_at, update_at, edit_at, delete_at, is_pinned, file_ids, remote_id";
    private const string ReactionColumns = "post_id, user_id, emoji_name, channel_id, create_at, update_at, delete_at, remote_id";
    private const string UserColumns = "id, username, first_name, last_name, nickname, position, is_bot, update_at, delete_at, remote_id, remote_username, original_remote_id";
    private const string UserSelect = UserColumns + ", (SELECT update_at FROM profile_images WHERE profile_images.user_id = users.id)";
    private const string FileColumns = "id, channel_id, user_id, name, size, mime_type, create_at, remote_id";
    private const string ChannelColumns = "id, team_id, name, display_name, header, purpose, type, creator_id";

    // ---- posts ----

    public static async Task SavePostAsync(SqliteConnection db, Post post, CancellationToken cancellationToken, bool logChange = true)
    {
        await db.ExecuteAsync(
            $"""
            INSERT INTO posts ({PostColumns})
            VALUES ($id, $channel_id, $user_id, $root_id, $message, $type, $create_at, $update_at, $edit_at, $delete_at, $is_pinned, $file_ids, $remote_id)
            ON CONFLICT (id) DO UPDATE SET
                message = excluded.message, type = excluded.type, update_at = excluded.update_at, edit_at = excluded.edit_at,
                delete_at = excluded.delete_at, is_pinned = excluded.is_pinned, file_ids = excluded.file_ids, remote_id = excluded.remote_id;
            """,
            cancellationToken,
            ("$id", post.Id), ("$channel_id", post.ChannelId), ("$user_id", post.UserId), ("$root_id", post.RootId),
            ("$message", post.Message), ("$type", post.Type), ("$create_at", post.CreateAt), ("$update_at", post.UpdateAt),
            ("$edit_at", post.EditAt), ("$delete_at", post.DeleteAt), ("$is_pinned", post.IsPinned),
            ("$file_ids", string.Join(',', post.FileIds)), ("$remote_id", post.RemoteId));

        // System messages are this workspace's own notices: never synchronized, so not logged.
        if (logChange && post.Type != PostTypes.SharedChannelsSystemMessage)
        {
            await AppendChangeAsync(db, post.ChannelId, ChangeKind.Post, cancellationToken, postId: post.Id);
        }
    }

    public static Task<Post?> GetPostAsync(SqliteConnection db, string postId, CancellationToken cancellationToken) =>
        db.QuerySingleAsync($"SELECT {PostColumns} FROM posts WHERE id = $id;", ReadPost, cancellationToken, ("$id", postId));

    /// <summary>The posts with these ids, by id (missing ids are left out).</summary>
    public static async Task<Dictionary<string, Post>> GetPostsAsync(SqliteConnection db, IReadOnlyCollection<string> postIds, CancellationToken cancellationToken)
    {
        if (postIds.Count == 0)
        {
            return [];
        }

        List<Post> posts = await db.QueryAsync(
            $"SELECT {PostColumns} FROM posts WHERE id IN (SELECT value FROM json_each($ids));",
            ReadPost,
            cancellationToken,
            ("$ids", JsonSerializer.Serialize(postIds)));
        return posts.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    public static Task<List<Post>> ListPostsAsync(SqliteConnection db, string channelId, CancellationToken cancellationToken) =>
        db.QueryAsync($"SELECT {PostColumns} FROM posts WHERE channel_id = $channel_id ORDER BY create_at, id;", ReadPost, cancellationToken, ("$channel_id", channelId));

    // ---- reactions and acknowledgements ----

    public static async Task SaveReactionAsync(SqliteConnection db, Reaction reaction, CancellationToken cancellationToken, bool logChange = true)
    {
        await db.ExecuteAsync(
            $"""
            INSERT INTO reactions ({ReactionColumns})
            VALUES ($post_id, $user_id, $emoji_name, $channel_id, $create_at, $update_at, $delete_at, $remote_id)
            ON CONFLICT (post_id, user_id, emoji_name) DO UPDATE SET
                create_at = excluded.create_at, update_at = excluded.update_at, delete_at = excluded.delete_at, remote_id = excluded.remote_id;
            """,
            cancellationToken,
            ("$post_id", reaction.PostId), ("$user_id", reaction.UserId), ("$emoji_name", reaction.EmojiName), ("$channel_id", reaction.ChannelId),
            ("$create_at", reaction.CreateAt), ("$update_at", reaction.UpdateAt), ("$delete_at", reaction.DeleteAt), ("$remote_id", reaction.RemoteId));
        if (!logChange)
        {
            return;
        }

        await AppendChangeAsync(db, reaction.ChannelId, ChangeKind.Reaction, cancellationToken, postId: reaction.PostId, userId: reaction.UserId, emojiName: reaction.EmojiName);
    }

    public static Task<Reaction?> GetReactionAsync(SqliteConnection db, string postId, string userId, string emojiName, CancellationToken cancellationToken) =>
        db.QuerySingleAsync(
            $"SELECT {ReactionColumns} FROM reactions WHERE post_id = $post_id AND user_id = $user_id AND emoji_name = $emoji_name;",
            ReadReaction,
            cancellationToken,
            ("$post_id", postId), ("$user_id", userId), ("$emoji_name", emojiName));

    /// <summary>The reactions of a channel that are not removed.</summary>
    public static Task<List<Reaction>> ListReactionsAsync(SqliteConnection db, string channelId, CancellationToken cancellationToken) =>
        db.QueryAsync(
            $"SELECT {ReactionColumns} FROM reactions WHERE channel_id = $channel_id AND delete_at IS NULL ORDER BY create_at, emoji_name;",
            ReadReaction,
            cancellationToken,
            ("$channel_id", channelId));

    public static async Task SaveAcknowledgementAsync(SqliteConnection db, Acknowledgement acknowledgement, CancellationToken cancellationToken, bool logChange = true)
    {
        await db.ExecuteAsync(
            """
            INSERT INTO acknowledgements (post_id, user_id, channel_id, acknowledged_at, remote_id)
            VALUES ($post_id, $user_id, $channel_id, $acknowledged_at, $remote_id)
            ON CONFLICT (post_id, user_id) DO UPDATE SET acknowledged_at = excluded.acknowledged_at, remote_id = excluded.remote_id;
            """,
            cancellationToken,
            ("$post_id", acknowledgement.PostId), ("$user_id", acknowledgement.UserId), ("$channel_id", acknowledgement.ChannelId),
            ("$acknowledged_at", acknowledgement.AcknowledgedAt), ("$remote_id", acknowledgement.RemoteId));
        if (!logChange)
        {
            return;
        }

        await AppendChangeAsync(db, acknowledgement.ChannelId, ChangeKind.Acknowledgement, cancellationToken, postId: acknowledgement.PostId, userId: acknowledgement.UserId);
    }

    public static Task<Acknowledgement?> GetAcknowledgementAsync(SqliteConnection db, string postId, string userId, CancellationToken cancellationToken) =>
        db.QuerySingleAsync(
            "SELECT post_id, user_id, channel_id, acknowledged_at, remote_id FROM acknowledgements WHERE post_id = $post_id AND user_id = $user_id;",
            reader => new Acknowledgement
            {
                PostId = reader.GetString(0),
                UserId = reader.GetString(1),
                ChannelId = reader.GetString(2),
                AcknowledgedAt = reader.GetOptionalTime(3),
                RemoteId = reader.GetOptionalString(4),
            },
            cancellationToken,
            ("$post_id", postId), ("$user_id", userId));

    // ---- channels and memberships ----

    public static Task<ChannelInfo?> GetChannelAsync(SqliteConnection db, string channelId, CancellationToken cancellationToken) =>
        db.QuerySingleAsync($"SELECT {ChannelColumns} FROM channels WHERE id = $id;", ReadChannel, cancellationToken, ("$id", channelId));

    public static Task<List<ChannelInfo>> ListChannelsAsync(SqliteConnection db, CancellationToken cancellationToken) =>
        db.QueryAsync($"SELECT {ChannelColumns} FROM channels ORDER BY name;", ReadChannel, cancellationToken);

    /// <summary>Creates a channel; returns <see langword="false"/> when one with that id exists.</summary>
    public static async Task<bool> InsertChannelAsync(SqliteConnection db, ChannelInfo channel, CancellationToken cancellationToken) =>
        await db.ExecuteAsync(
            $"INSERT INTO channels ({ChannelColumns}) VALUES ($id, $team_id, $name, $display_name, $header, $purpose, $type, $creator_id) ON CONFLICT (id) DO NOTHING;",
            cancellationToken,
            ("$id", channel.Id), ("$team_id", channel.TeamId), ("$name", channel.Name), ("$display_name", channel.DisplayName),
            ("$header", channel.Header), ("$purpose", channel.Purpose), ("$type", (int)channel.Type), ("$creator_id", channel.CreatorId)) == 1;

    public static async Task<bool> IsMemberAsync(SqliteConnection db, string channelId, string userId, CancellationToken cancellationToken) =>
        await db.ScalarAsync(
            "SELECT 1 FROM channel_members WHERE channel_id = $channel_id AND user_id = $user_id;",
            cancellationToken,
            ("$channel_id", channelId), ("$user_id", userId)) is not null;

    public static async Task ApplyMembershipAsync(SqliteConnection db, MembershipChange change, CancellationToken cancellationToken)
    {
        string sql = change.IsAdd
            ? "INSERT INTO channel_members (channel_id, user_id) VALUES ($channel_id, $user_id) ON CONFLICT DO NOTHING;"
            : "DELETE FROM channel_members WHERE channel_id = $channel_id AND user_id = $user_id;";
        await db.ExecuteAsync(sql, cancellationToken, ("$channel_id", change.ChannelId), ("$user_id", change.UserId));
        await AppendChangeAsync(db, change.ChannelId, ChangeKind.Membership, cancellationToken, userId: change.UserId, isAdd: change.IsAdd, at: change.ChangeTime, remoteId: change.RemoteId);
    }

    /// <summary>The latest membership change of a user in a channel, from the change log.</summary>
    public static Task<MembershipChange?> GetLatestMembershipChangeAsync(SqliteConnection db, string channelId, string userId, CancellationToken cancellationToken) =>
        db.QuerySingleAsync(
            "SELECT is_add, at, remote_id FROM changes WHERE channel_id = $channel_id AND user_id = $user_id AND kind = 'membership' ORDER BY seq DESC LIMIT 1;",
            reader => new MembershipChange
            {
                ChannelId = channelId,
                UserId = userId,
                IsAdd = reader.GetBoolean(0),
                ChangeTime = reader.GetTime(1),
                RemoteId = reader.GetOptionalString(2),
            },
            cancellationToken,
            ("$channel_id", channelId),
            ("$user_id", userId));

    // ---- users ----

    public static Task<ChatUser?> GetUserAsync(SqliteConnection db, string userId, CancellationToken cancellationToken) =>
        db.QuerySingleAsync($"SELECT {UserSelect} FROM users WHERE id = $id;", ReadUser, cancellationToken, ("$id", userId));

    /// <summary>Finds a user by username, ignoring case ("John" and "john" are the same username, as in Mattermost).</summary>
    public static Task<ChatUser?> FindUserByUsernameAsync(SqliteConnection db, string username, CancellationToken cancellationToken) =>
        db.QuerySingleAsync($"SELECT {UserSelect} FROM users WHERE username = $username;", ReadUser, cancellationToken, ("$username", username));

    /// <summary>Lists this workspace's own users changed after a point, in (update_at, id) order (for the SDK's global user sync).</summary>
    public static Task<List<ChatUser>> ListLocalUsersAsync(SqliteConnection db, DateTimeOffset updatedAfter, string afterUserId, int maxCount, CancellationToken cancellationToken) =>
        db.QueryAsync(
            $"""
            SELECT {UserSelect} FROM users
            WHERE remote_id IS NULL AND (update_at > $after OR (update_at = $after AND id > $after_id))
            ORDER BY update_at, id LIMIT $max;
            """,
            ReadUser,
            cancellationToken,
            ("$after", updatedAfter),
            ("$after_id", afterUserId),
            ("$max", maxCount));

    /// <summary>Creates or updates a user. <paramref name="isAdmin"/> is only set on creation.</summary>
    public static Task<int> SaveUserAsync(SqliteConnection db, ChatUser user, bool isAdmin, CancellationToken cancellationToken) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO users ({UserColumns}, is_admin)
            VALUES ($id, $username, $first_name, $last_name, $nickname, $position, $is_bot, $update_at, $delete_at, $remote_id, $remote_username, $original_remote_id, $is_admin)
            ON CONFLICT (id) DO UPDATE SET
                username = excluded.username, first_name = excluded.first_name, last_name = excluded.last_name, nickname = excluded.nickname,
                position = excluded.position, is_bot = excluded.is_bot, update_at = excluded.update_at, delete_at = excluded.delete_at,
                remote_id = excluded.remote_id, remote_username = excluded.remote_username, original_remote_id = excluded.original_remote_id;
            """,
            cancellationToken,
            ("$id", user.Id), ("$username", user.Username), ("$first_name", user.FirstName), ("$last_name", user.LastName),
            ("$nickname", user.Nickname), ("$position", user.Position), ("$is_bot", user.IsBot), ("$update_at", user.UpdateAt),
            ("$delete_at", user.DeleteAt), ("$remote_id", user.RemoteId), ("$remote_username", user.RemoteUsername),
            ("$original_remote_id", user.OriginalRemoteId), ("$is_admin", isAdmin));

    // ---- files and profile images ----

    /// <summary>Records a file whose bytes are stored under <paramref name="storageName"/>; returns <see langword="false"/> when the id exists.</summary>
    public static async Task<bool> InsertFileAsync(SqliteConnection db, FileAttachment file, string storageName, CancellationToken cancellationToken) =>
        await db.ExecuteAsync(
            $"INSERT INTO files ({FileColumns}, storage_name) VALUES ($id, $channel_id, $user_id, $name, $size, $mime_type, $create_at, $remote_id, $storage_name) ON CONFLICT (id) DO NOTHING;",
            cancellationToken,
            ("$id", file.Id), ("$channel_id", file.ChannelId), ("$user_id", file.UserId), ("$name", file.Name), ("$size", file.Size),
            ("$mime_type", file.MimeType), ("$create_at", file.CreateAt), ("$remote_id", file.RemoteId), ("$storage_name", storageName)) == 1;

    public static Task<FileAttachment?> GetFileAsync(SqliteConnection db, string fileId, CancellationToken cancellationToken) =>
        db.QuerySingleAsync($"SELECT {FileColumns} FROM files WHERE id = $id;", ReadFile, cancellationToken, ("$id", fileId));

    /// <summary>Where a file's bytes are, or <see langword="null"/>.</summary>
    public static async Task<string?> GetFileStorageNameAsync(SqliteConnection db, string fileId, CancellationToken cancellationToken) =>
        await db.ScalarAsync("SELECT storage_name FROM files WHERE id = $id;", cancellationToken, ("$id", fileId)) as string;

    /// <summary>The files of a channel's posts, by id.</summary>
    public static async Task<Dictionary<string, FileAttachment>> ListFilesAsync(SqliteConnection db, string channelId, CancellationToken cancellationToken) =>
        (await db.QueryAsync($"SELECT {FileColumns} FROM files WHERE channel_id = $channel_id;", ReadFile, cancellationToken, ("$channel_id", channelId)))
            .ToDictionary(f => f.Id, StringComparer.Ordinal);

    /// <summary>Sets a user's profile image; returns the storage name of the image it replaces, if any.</summary>
    public static async Task<string?> SetProfileImageAsync(SqliteConnection db, string userId, string storageName, DateTimeOffset at, CancellationToken cancellationToken)
    {
        string? previous = await db.ScalarAsync("SELECT storage_name FROM profile_images WHERE user_id = $user_id;", cancellationToken, ("$user_id", userId)) as string;
        await db.ExecuteAsync(
            """
            INSERT INTO profile_images (user_id, storage_name, update_at) VALUES ($user_id, $storage_name, $update_at)
            ON CONFLICT (user_id) DO UPDATE SET storage_name = excluded.storage_name, update_at = excluded.update_at;
            """,
            cancellationToken,
            ("$user_id", userId), ("$storage_name", storageName), ("$update_at", at));
        return previous;
    }

    public static async Task<string?> GetProfileImageStorageNameAsync(SqliteConnection db, string userId, CancellationToken cancellationToken) =>
        await db.ScalarAsync("SELECT storage_name FROM profile_images WHERE user_id = $user_id;", cancellationToken, ("$user_id", userId)) as string;

    // ---- the change log ----

    private static async Task AppendChangeAsync(
        SqliteConnection db,
        string channelId,
        string kind,
        CancellationToken cancellationToken,
        string? postId = null,
        string? userId = null,
        string? emojiName = null,
        bool? isAdd = null,
        DateTimeOffset? at = null,
        string? remoteId = null)
    {
        await db.ExecuteAsync(
            """
            INSERT INTO changes (channel_id, kind, post_id, user_id, emoji_name, is_add, at, remote_id)
            VALUES ($channel_id, $kind, $post_id, $user_id, $emoji_name, $is_add, $at, $remote_id);
            """,
            cancellationToken,
            ("$channel_id", channelId), ("$kind", kind), ("$post_id", postId), ("$user_id", userId),
            ("$emoji_name", emojiName), ("$is_add", isAdd), ("$at", at), ("$remote_id", remoteId));
    }

    private static Post ReadPost(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ChannelId = reader.GetString(1),
        UserId = reader.GetString(2),
        RootId = reader.GetString(3),
        Message = reader.GetString(4),
        Type = reader.GetString(5),
        CreateAt = reader.GetTime(6),
        UpdateAt = reader.GetTime(7),
        EditAt = reader.GetOptionalTime(8),
        DeleteAt = reader.GetOptionalTime(9),
        IsPinned = reader.GetBoolean(10),
        FileIds = reader.GetString(11).Split(',', StringSplitOptions.RemoveEmptyEntries),
        RemoteId = reader.GetOptionalString(12),
    };

    private static Reaction ReadReaction(SqliteDataReader reader) => new()
    {
        PostId = reader.GetString(0),
        UserId = reader.GetString(1),
        EmojiName = reader.GetString(2),
        ChannelId = reader.GetString(3),
        CreateAt = reader.GetTime(4),
        UpdateAt = reader.GetTime(5),
        DeleteAt = reader.GetOptionalTime(6),
        RemoteId = reader.GetOptionalString(7),
    };

    private static ChannelInfo ReadChannel(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        TeamId = reader.GetString(1),
        Name = reader.GetString(2),
        DisplayName = reader.GetString(3),
        Header = reader.GetString(4),
        Purpose = reader.GetString(5),
        Type = (ChannelType)reader.GetInt32(6),
        CreatorId = reader.GetString(7),
    };

    private static ChatUser ReadUser(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Username = reader.GetString(1),
        FirstName = reader.GetString(2),
        LastName = reader.GetString(3),
        Nickname = reader.GetString(4),
        Position = reader.GetString(5),
        IsBot = reader.GetBoolean(6),
        UpdateAt = reader.GetTime(7),
        DeleteAt = reader.GetOptionalTime(8),
        RemoteId = reader.GetOptionalString(9),
        RemoteUsername = reader.GetOptionalString(10),
        OriginalRemoteId = reader.GetOptionalString(11),
        LastPictureUpdate = reader.GetOptionalTime(12),
    };

    private static FileAttachment ReadFile(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ChannelId = reader.GetString(1),
        UserId = reader.GetString(2),
        Name = reader.GetString(3),
        Size = reader.GetInt64(4),
        MimeType = reader.GetString(5),
        CreateAt = reader.GetTime(6),
        RemoteId = reader.GetOptionalString(7),
    };
}
