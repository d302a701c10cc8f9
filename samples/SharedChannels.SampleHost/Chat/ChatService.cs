using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Samples.Api;
using SharedChannels.Storage;
using SharedChannels.Sync;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// What this chat server's own users do: create users and channels, post, edit, delete, react. Each write commits the
/// row and its <c>changes</c> entry in one transaction, then calls <see cref="SharedChannelSync.NotifyChannelChanged"/>
/// so the SDK sends it to the workspaces sharing the channel at once (it does nothing for channels that are not shared).
/// </summary>
/// <param name="database">The chat database.</param>
/// <param name="sync">The SDK's sync engine.</param>
/// <param name="sharedChannels">The SDK's shared channels, to refuse writes in channels received read-only.</param>
/// <param name="emojiCatalog">The emoji this workspace has.</param>
/// <param name="emojiFallback">The SDK's fallback for emoji this workspace lacks.</param>
/// <param name="timeProvider">The clock.</param>
/// <param name="blobs">The bytes of files and profile images.</param>
/// <param name="options">The host's options (file and image limits).</param>
public sealed partial class ChatService(
    ChatDatabase database,
    SharedChannelSync sync,
    ISharedChannelStore sharedChannels,
    IEmojiCatalog emojiCatalog,
    EmojiFallback emojiFallback,
    TimeProvider timeProvider,
    SampleBlobs blobs,
    SampleHostOptions options)
{
    private const int MaxFilesPerPost = 10;
    private const int MaxFileNameLength = 255;

    /// <summary>Creates a local user.</summary>
    /// <param name="request">The user.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The user.</returns>
    public async Task<UserView> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string username = RequireName(request.Username, "username");
        var user = new ChatUser { Id = Ids.NewId(), Username = username, UpdateAt = Now() };
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        try
        {
            await ChatTables.SaveUserAsync(db, user, request.IsAdmin, cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: the username is taken
        {
            throw new ChatRequestException(409, $"The username '{username}' is taken on this workspace.");
        }

        return new UserView(user.Id, user.Username, request.IsAdmin, IsRemote: false);
    }

    /// <summary>Lists every user, local and remote.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The users, by username.</returns>
    public async Task<IReadOnlyList<UserView>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await db.QueryAsync(
            "SELECT id, username, is_admin, remote_id IS NOT NULL FROM users ORDER BY username;",
            reader => new UserView(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3)),
            cancellationToken);
    }

    /// <summary>Adds a custom emoji that this workspace can show.</summary>
    /// <param name="request">The emoji.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the emoji is stored.</returns>
    public async Task AddCustomEmojiAsync(AddEmojiRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string name = RequireName(request.Name, "emoji name");
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        await RequireLocalUserAsync(db, request.CreatorId, cancellationToken);
        await db.ExecuteAsync(
            "INSERT INTO custom_emoji (name, creator_id, create_at) VALUES ($name, $creator_id, $create_at) ON CONFLICT (name) DO NOTHING;",
            cancellationToken,
            ("$name", name), ("$creator_id", request.CreatorId), ("$create_at", Now()));
    }

    /// <summary>Creates a public channel; its creator joins it.</summary>
    /// <param name="request">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The channel.</returns>
    public async Task<ChannelView> CreateChannelAsync(CreateChannelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channel = new ChannelInfo
        {
            Id = Ids.NewId(),
            Name = RequireName(request.Name, "channel name"),
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.Name : request.DisplayName.Trim(),
            Type = ChannelType.Open,
            CreatorId = request.CreatorId,
        };

        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        using SqliteTransaction transaction = db.BeginTransaction(deferred: false);
        await RequireLocalUserAsync(db, request.CreatorId, cancellationToken);
        await ChatTables.InsertChannelAsync(db, channel, cancellationToken);
        await ChatTables.ApplyMembershipAsync(db, Joined(channel.Id, request.CreatorId), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // A new channel is not shared yet, so this does nothing; notifying after every write keeps the rule simple.
        sync.NotifyChannelChanged(channel.Id);
        return new ChannelView(channel.Id, channel.Name, channel.DisplayName);
    }

    /// <summary>Posts a message as a local user (who joins the channel if needed).</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="request">The post.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The post.</returns>
    public async Task<PostView> CreatePostAsync(string channelId, CreatePostRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Message))
        {
            throw new ChatRequestException(400, "A post needs a message.");
        }

        // The SDK's own store, not the chat database: checked before the write joins a transaction.
        await RequireWritableAsync(channelId, cancellationToken);

        // Posts that arrive together are committed together (ChatDatabase.WriteGroupedAsync): one fsync for the group.
        PostView created = await database.WriteGroupedAsync((db, ct) => WritePostAsync(db, channelId, request, ct), cancellationToken);
        sync.NotifyChannelChanged(channelId);
        return created;
    }

    private async Task<PostView> WritePostAsync(SqliteConnection db, string channelId, CreatePostRequest request, CancellationToken cancellationToken)
    {
        _ = await ChatTables.GetChannelAsync(db, channelId, cancellationToken) ?? throw NotFound("channel", channelId);
        ChatUser author = await RequireLocalUserAsync(db, request.UserId, cancellationToken);

        string rootId = string.Empty;
        if (!string.IsNullOrEmpty(request.RootId))
        {
            Post root = await RequireLivePostAsync(db, request.RootId, cancellationToken);
            if (root.ChannelId != channelId)
            {
                throw new ChatRequestException(400, "The thread root is in another channel.");
            }

            // Replying to a reply answers its thread.
            rootId = root.IsReply ? root.RootId : root.Id;
        }

        if (!await ChatTables.IsMemberAsync(db, channelId, author.Id, cancellationToken))
        {
            await ChatTables.ApplyMembershipAsync(db, Joined(channelId, author.Id), cancellationToken);
        }

        // Files uploaded to this channel by the author, each attached to one post only.
        List<string> fileIds = request.FileIds?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (fileIds.Count > MaxFilesPerPost)
        {
            throw new ChatRequestException(400, $"A post carries at most {MaxFilesPerPost} files.");
        }

        var files = new List<FileView>();
        foreach (string fileId in fileIds)
        {
            FileAttachment file = await ChatTables.GetFileAsync(db, fileId, cancellationToken) is { RemoteId: null } f && f.ChannelId == channelId && f.UserId == author.Id
                ? f
                : throw new ChatRequestException(400, $"File '{fileId}' was not uploaded to this channel by this user.");
            if (await db.ScalarAsync("SELECT 1 FROM posts WHERE ',' || file_ids || ',' LIKE '%,' || $id || ',%';", cancellationToken, ("$id", fileId)) is not null)
            {
                throw new ChatRequestException(400, $"File '{fileId}' is attached to another post already.");
            }

            files.Add(ToView(file));
        }

        DateTimeOffset now = Now();
        var post = new Post { Id = Ids.NewId(), ChannelId = channelId, UserId = author.Id, RootId = rootId, Message = request.Message, CreateAt = now, UpdateAt = now, FileIds = fileIds };
        await ChatTables.SavePostAsync(db, post, cancellationToken);
        return new PostView(post.Id, channelId, rootId, author.Id, author.Username, post.Message, post.Type, post.CreateAt, EditAt: null, Reactions: [], Files: files);
    }

    /// <summary>
    /// Uploads a file to a channel as a local user, to attach to that user's next post there
    /// (<see cref="CreatePostRequest.FileIds"/>). The bytes are stored under a generated name; the given name is shown only.
    /// </summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="userId">The uploading local user.</param>
    /// <param name="name">The file name to show.</param>
    /// <param name="mimeType">The MIME type; <c>application/octet-stream</c> when omitted.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The file.</returns>
    public async Task<FileView> UploadFileAsync(string channelId, string? userId, string? name, string? mimeType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (content.IsEmpty || content.Length > options.MaxFileSize)
        {
            throw new ChatRequestException(content.IsEmpty ? 400 : 413, $"A file must have 1 to {options.MaxFileSize} bytes; this one has {content.Length}.");
        }

        string displayName = CleanFileName(name);
        string storageName = await blobs.Files.SaveAsync(content, cancellationToken);
        try
        {
            await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
            _ = await ChatTables.GetChannelAsync(db, channelId, cancellationToken) ?? throw NotFound("channel", channelId);
            await RequireWritableAsync(channelId, cancellationToken);
            ChatUser user = await RequireLocalUserAsync(db, userId, cancellationToken);
            var file = new FileAttachment
            {
                Id = Ids.NewId(),
                ChannelId = channelId,
                UserId = user.Id,
                Name = displayName,
                Size = content.Length,
                MimeType = string.IsNullOrWhiteSpace(mimeType) ? "application/octet-stream" : mimeType.Split(';')[0].Trim(),
                CreateAt = Now(),
            };
            await ChatTables.InsertFileAsync(db, file, storageName, cancellationToken);
            return ToView(file);
        }
        catch
        {
            blobs.Files.Delete(storageName);
            throw;
        }
    }

    /// <summary>Gets a file and its bytes, local or received from a peer.</summary>
    /// <param name="fileId">The file.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The file and its bytes.</returns>
    public async Task<(FileView File, byte[] Content)> DownloadFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        FileAttachment file;
        string storageName;
        await using (SqliteConnection db = await database.OpenConnectionAsync(cancellationToken))
        {
            file = await ChatTables.GetFileAsync(db, fileId, cancellationToken) ?? throw NotFound("file", fileId);
            storageName = (await ChatTables.GetFileStorageNameAsync(db, fileId, cancellationToken))!;
        }

        return (ToView(file), await blobs.Files.ReadAsync(storageName, cancellationToken));
    }

    /// <summary>Sets a local user's profile image (PNG, JPEG or GIF); peers receive it with the user's next sync.</summary>
    /// <param name="userId">The local user.</param>
    /// <param name="image">The image bytes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the image is stored.</returns>
    public async Task SetProfileImageAsync(string userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        if (image.IsEmpty || image.Length > options.MaxProfileImageSize)
        {
            throw new ChatRequestException(image.IsEmpty ? 400 : 413, $"A profile image must have 1 to {options.MaxProfileImageSize} bytes; this one has {image.Length}.");
        }

        ReadOnlySpan<byte> head = image.Span;
        if (!head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) && !head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) && !head.StartsWith("GIF8"u8))
        {
            throw new ChatRequestException(400, "A profile image must be a PNG, JPEG or GIF image.");
        }

        await using (SqliteConnection check = await database.OpenConnectionAsync(cancellationToken))
        {
            _ = await RequireLocalUserAsync(check, userId, cancellationToken);
        }

        string storageName = await blobs.Images.SaveAsync(image, cancellationToken);
        string? previous;
        await using (SqliteConnection db = await database.OpenForWriteAsync(cancellationToken))
        {
            previous = await ChatTables.SetProfileImageAsync(db, userId, storageName, Now(), cancellationToken);
        }

        if (previous is not null)
        {
            blobs.Images.Delete(previous);
        }
    }

    /// <summary>Gets a user's profile image (a local user's, or one a peer sent for its user).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The image bytes.</returns>
    public async Task<byte[]> GetProfileImageAsync(string userId, CancellationToken cancellationToken = default)
    {
        string? storageName;
        await using (SqliteConnection db = await database.OpenConnectionAsync(cancellationToken))
        {
            storageName = await ChatTables.GetProfileImageStorageNameAsync(db, userId, cancellationToken);
        }

        return storageName is null ? throw NotFound("profile image of user", userId) : await blobs.Images.ReadAsync(storageName, cancellationToken);
    }

    /// <summary>Edits the message of a post written on this workspace.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="request">The new text.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the edit is stored.</returns>
    public async Task EditPostAsync(string postId, EditPostRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Message))
        {
            throw new ChatRequestException(400, "A post needs a message; delete it instead.");
        }

        await ChangeOwnPostAsync(postId, (post, now) => post with { Message = request.Message, EditAt = now, UpdateAt = Later(post.UpdateAt, now) }, cancellationToken);
    }

    /// <summary>Deletes a post written on this workspace. Deleted posts are kept as tombstones, so the delete syncs.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the delete is stored.</returns>
    public Task DeletePostAsync(string postId, CancellationToken cancellationToken = default) =>
        ChangeOwnPostAsync(postId, (post, now) => post with { DeleteAt = now, UpdateAt = Later(post.UpdateAt, now) }, cancellationToken);

    /// <summary>Adds a reaction as a local user, with an emoji this workspace has.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="request">The reaction.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the reaction is stored.</returns>
    public async Task AddReactionAsync(string postId, AddReactionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.EmojiName) || !await emojiCatalog.ExistsAsync(request.EmojiName, cancellationToken))
        {
            throw new ChatRequestException(400, $"There is no emoji named '{request.EmojiName}' on this workspace.");
        }

        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        using SqliteTransaction transaction = db.BeginTransaction(deferred: false);
        Post post = await RequireLivePostAsync(db, postId, cancellationToken);
        await RequireWritableAsync(post.ChannelId, cancellationToken);
        ChatUser user = await RequireLocalUserAsync(db, request.UserId, cancellationToken);
        DateTimeOffset now = Now();
        await ChatTables.SaveReactionAsync(
            db,
            new Reaction { PostId = post.Id, UserId = user.Id, EmojiName = request.EmojiName, ChannelId = post.ChannelId, CreateAt = now, UpdateAt = now },
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sync.NotifyChannelChanged(post.ChannelId);
    }

    /// <summary>
    /// Gets a channel's posts as a client shows them: oldest first, deleted posts left out, authors by local username,
    /// reactions grouped by emoji with the <c>:name:</c> text for emoji this workspace lacks.
    /// </summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The posts.</returns>
    public async Task<IReadOnlyList<PostView>> GetPostsAsync(string channelId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        _ = await ChatTables.GetChannelAsync(db, channelId, cancellationToken) ?? throw NotFound("channel", channelId);
        List<Post> posts = await ChatTables.ListPostsAsync(db, channelId, cancellationToken);
        List<Reaction> reactions = await ChatTables.ListReactionsAsync(db, channelId, cancellationToken);
        Dictionary<string, FileAttachment> files = await ChatTables.ListFilesAsync(db, channelId, cancellationToken);
        Dictionary<string, string> usernames = (await db.QueryAsync(
                """
                SELECT id, username FROM users WHERE id IN (
                    SELECT user_id FROM posts WHERE channel_id = $channel_id UNION SELECT user_id FROM reactions WHERE channel_id = $channel_id);
                """,
                reader => (Id: reader.GetString(0), Username: reader.GetString(1)),
                cancellationToken,
                ("$channel_id", channelId)))
            .ToDictionary(u => u.Id, u => u.Username, StringComparer.Ordinal);

        var views = new List<PostView>();
        foreach (Post post in posts.Where(p => !p.IsDeleted))
        {
            var reactionViews = new List<ReactionView>();
            foreach (IGrouping<string, Reaction> emoji in reactions.Where(r => r.PostId == post.Id).GroupBy(r => r.EmojiName, StringComparer.Ordinal))
            {
                string? fallback = await emojiFallback.GetTextFallbackAsync(emoji.Key, cancellationToken);
                reactionViews.Add(new ReactionView(emoji.Key, fallback, [.. emoji.Select(r => usernames.GetValueOrDefault(r.UserId, r.UserId))]));
            }

            string username = post.Type == PostTypes.SharedChannelsSystemMessage ? "system" : usernames.GetValueOrDefault(post.UserId, post.UserId);
            List<FileView> fileViews = [.. post.FileIds.Where(files.ContainsKey).Select(id => ToView(files[id]))];
            views.Add(new PostView(post.Id, post.ChannelId, post.RootId, post.UserId, username, post.Message, post.Type, post.CreateAt, post.EditAt, reactionViews, fileViews));
        }

        return views;
    }

    private async Task ChangeOwnPostAsync(string postId, Func<Post, DateTimeOffset, Post> change, CancellationToken cancellationToken)
    {
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        using SqliteTransaction transaction = db.BeginTransaction(deferred: false);
        Post post = await RequireLivePostAsync(db, postId, cancellationToken);
        if (post.RemoteId is not null || post.Type != PostTypes.Normal)
        {
            // The SDK lets a workspace change only its own users' content; a change here would be refused by the others.
            throw new ChatRequestException(403, "This post was written on another workspace (or by the system): it can only be changed there.");
        }

        await RequireWritableAsync(post.ChannelId, cancellationToken);
        await ChatTables.SavePostAsync(db, change(post, Now()), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sync.NotifyChannelChanged(post.ChannelId);
    }

    /// <summary>A channel received read-only from its home may be read here but not written to.</summary>
    private async Task RequireWritableAsync(string channelId, CancellationToken cancellationToken)
    {
        if (await sharedChannels.GetChannelAsync(channelId, cancellationToken) is { IsHome: false, ReadOnly: true })
        {
            throw new ChatRequestException(403, "This channel is shared with this workspace read-only: its home workspace does not accept posts from here.");
        }
    }

    private static async Task<ChatUser> RequireLocalUserAsync(SqliteConnection db, string? userId, CancellationToken cancellationToken)
    {
        ChatUser user = (string.IsNullOrEmpty(userId) ? null : await ChatTables.GetUserAsync(db, userId, cancellationToken)) ?? throw NotFound("user", userId);
        return user.IsRemote || user.DeleteAt is not null
            ? throw new ChatRequestException(403, $"User '{user.Username}' is not an active user of this workspace.")
            : user;
    }

    private static async Task<Post> RequireLivePostAsync(SqliteConnection db, string postId, CancellationToken cancellationToken) =>
        await ChatTables.GetPostAsync(db, postId, cancellationToken) is { IsDeleted: false } post ? post : throw NotFound("post", postId);

    private static string RequireName(string? value, string what)
    {
        string name = value?.Trim().ToLowerInvariant() ?? string.Empty;
        return NamePattern().IsMatch(name)
            ? name
            : throw new ChatRequestException(400, $"The {what} '{value}' is not valid: use 1 to 64 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit.");
    }

    // Stored to the millisecond, as the wire carries times: what is returned is what peers will see.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(timeProvider.GetUtcNow().ToUnixTimeMilliseconds());

    private MembershipChange Joined(string channelId, string userId) =>
        new() { ChannelId = channelId, UserId = userId, IsAdd = true, ChangeTime = Now() };

    private static FileView ToView(FileAttachment file) => new(file.Id, file.Name, file.Size, file.MimeType, file.RemoteId is not null);

    // The name is shown only, never a path; still, no separators, control or format (bidi) characters, bounded.
    private static string CleanFileName(string? name)
    {
        string last = (name ?? string.Empty).Split('/', '\\')[^1];
        string clean = new string([.. last.Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format)]).Trim();
        return clean.Length == 0 ? "file" : clean.Length <= MaxFileNameLength ? clean : clean[..MaxFileNameLength];
    }

    private static ChatRequestException NotFound(string what, string? id) => new(404, $"There is no {what} '{id}' on this workspace.");

    // Peers keep the newest version of a post by UpdateAt: an edit must move it forward even within one millisecond.
    private static DateTimeOffset Later(DateTimeOffset previous, DateTimeOffset now) => now > previous ? now : previous.AddMilliseconds(1);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
