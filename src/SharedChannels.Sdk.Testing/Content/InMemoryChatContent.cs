using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Testing;

/// <summary>
/// A complete in-memory chat workspace implementing every host port (<see cref="IChannelContent"/>,
/// <see cref="IUserDirectory"/>, <see cref="ISystemMessages"/>, <see cref="IEmojiCatalog"/>, <see cref="IFileContent"/>): for tests, demos and
/// as a reference for host developers. Every change is appended to a sequence, which gives gap-free cursors.
/// </summary>
public sealed partial class InMemoryChatContent : IChannelContent, IUserDirectory, ISystemMessages, IEmojiCatalog, IFileContent
{
    /// <summary>The post type of system messages, which are never synchronized.</summary>
    public const string SystemMessageType = "system_shared_channels";

    private static readonly HashSet<string> SystemEmoji = new(StringComparer.Ordinal) { "smile", "+1", "-1", "heart", "tada", "white_check_mark", "eyes", "rocket", "thumbsup", "laughing" };

    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, ChannelInfo> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ChannelId, string UserId), MembershipChange> _lastMembershipChanges = [];
    private readonly Dictionary<string, Post> _posts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string PostId, string UserId, string Emoji), Reaction> _reactions = [];
    private readonly Dictionary<(string PostId, string UserId), Acknowledgement> _acks = [];
    private readonly Dictionary<string, ChatUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserStatus> _statuses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _customEmoji = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FileAttachment File, byte[] Content)> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _profileImages = new(StringComparer.Ordinal);
    private readonly List<Change> _log = [];
    private readonly Dictionary<string, List<int>> _logByChannel = new(StringComparer.Ordinal);

    /// <summary>Creates an empty workspace.</summary>
    /// <param name="timeProvider">The clock for timestamps; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InMemoryChatContent(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public bool EnableFileAttachments { get; set; } = true;

    /// <inheritdoc />
    public long MaxFileSize { get; set; } = 100L * 1024 * 1024;

    /// <summary>Raised after a local change to a channel (wire it to <c>SharedChannelSync.NotifyChannelChanged</c>).</summary>
    public event Action<string>? ChannelChanged;

    private enum ChangeKind
    {
        Post,
        Reaction,
        Acknowledgement,
        Membership,
    }

    // ---- Host-side operations (what the chat server's own users do) ----

    /// <summary>Adds a local user.</summary>
    /// <param name="id">The user id.</param>
    /// <param name="username">The username.</param>
    /// <returns>The user.</returns>
    public ChatUser AddLocalUser(string id, string username)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        var user = new ChatUser { Id = id, Username = username, UpdateAt = _timeProvider.GetUtcNow() };
        lock (_gate)
        {
            _users[id] = user;
        }

        return user;
    }

    /// <summary>Sets a local user's profile image and its <see cref="ChatUser.LastPictureUpdate"/>, so peers receive it with the user's next sync.</summary>
    /// <param name="userId">A local user.</param>
    /// <param name="image">The image bytes.</param>
    public void SetLocalProfileImage(string userId, byte[] image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentNullException.ThrowIfNull(image);
        lock (_gate)
        {
            ChatUser user = _users.GetValueOrDefault(userId) ?? throw new ArgumentException($"There is no user '{userId}'.", nameof(userId));
            _users[userId] = user with { LastPictureUpdate = _timeProvider.GetUtcNow() };
            _profileImages[userId] = image;
        }
    }

    /// <summary>Gets a user's profile image (local, or stored for a remote user), or <see langword="null"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <returns>The image bytes.</returns>
    public byte[]? GetProfileImage(string userId)
    {
        lock (_gate)
        {
            return _profileImages.GetValueOrDefault(userId);
        }
    }

    /// <summary>Creates a local channel.</summary>
    /// <param name="channel">The channel.</param>
    public void AddChannel(ChannelInfo channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            _channels[channel.Id] = channel;
            _members.TryAdd(channel.Id, new HashSet<string>(StringComparer.Ordinal));
        }
    }

    /// <summary>Adds a custom emoji this workspace can display.</summary>
    /// <param name="name">The emoji name.</param>
    public void AddCustomEmoji(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            _customEmoji.Add(name);
        }
    }

    /// <summary>Uploads a file as a local user (attach it with <see cref="CreatePost"/>).</summary>
    /// <param name="file">The file's description.</param>
    /// <param name="content">The bytes.</param>
    public void AddFile(FileAttachment file, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(content);
        lock (_gate)
        {
            _files[file.Id] = (file, content);
        }
    }

    /// <summary>Gets whether a file is stored here.</summary>
    /// <param name="fileId">The file.</param>
    /// <returns>Whether it exists.</returns>
    public bool HasFile(string fileId)
    {
        lock (_gate)
        {
            return _files.ContainsKey(fileId);
        }
    }

    /// <summary>Posts a message as a local user.</summary>
    /// <param name="id">The new post id.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="userId">The author.</param>
    /// <param name="message">The text.</param>
    /// <param name="rootId">The thread root, for a reply.</param>
    /// <param name="fileIds">The files attached (added with <see cref="AddFile"/>).</param>
    /// <returns>The post.</returns>
    public Post CreatePost(string id, string channelId, string userId, string message, string rootId = "", IReadOnlyList<string>? fileIds = null)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        var post = new Post { Id = id, ChannelId = channelId, UserId = userId, Message = message, RootId = rootId, CreateAt = now, UpdateAt = now, FileIds = fileIds ?? [] };
        Record(channelId, () => { _posts.Add(id, post); return post; }, ChangeKind.Post, id);
        return post;
    }

    /// <summary>Edits a post's message.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="message">The new text.</param>
    /// <returns>The edited post.</returns>
    public Post EditPost(string postId, string message)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        Post edited;
        lock (_gate)
        {
            edited = _posts[postId] with { Message = message, EditAt = now, UpdateAt = Later(_posts[postId].UpdateAt, now) };
        }

        Record(edited.ChannelId, () => _posts[postId] = edited, ChangeKind.Post, postId);
        return edited;
    }

    /// <summary>Deletes a post.</summary>
    /// <param name="postId">The post.</param>
    public void DeletePost(string postId)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        Post deleted;
        lock (_gate)
        {
            deleted = _posts[postId] with { DeleteAt = now, UpdateAt = Later(_posts[postId].UpdateAt, now) };
        }

        Record(deleted.ChannelId, () => _posts[postId] = deleted, ChangeKind.Post, postId);
    }

    /// <summary>Adds a reaction as a local user.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="userId">The user.</param>
    /// <param name="emojiName">The emoji.</param>
    public void AddReaction(string postId, string userId, string emojiName)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        string channelId = ChannelOf(postId);
        var reaction = new Reaction { PostId = postId, UserId = userId, EmojiName = emojiName, ChannelId = channelId, CreateAt = now, UpdateAt = now };
        Record(channelId, () => _reactions[(postId, userId, emojiName)] = reaction, ChangeKind.Reaction, ReactionKey(postId, userId, emojiName));
    }

    /// <summary>Removes a reaction of a local user.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="userId">The user.</param>
    /// <param name="emojiName">The emoji.</param>
    public void RemoveReaction(string postId, string userId, string emojiName)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        string channelId = ChannelOf(postId);
        Record(channelId, () => _reactions[(postId, userId, emojiName)] = _reactions[(postId, userId, emojiName)] with { DeleteAt = now, UpdateAt = Later(_reactions[(postId, userId, emojiName)].UpdateAt, now) }, ChangeKind.Reaction, ReactionKey(postId, userId, emojiName));
    }

    /// <summary>Acknowledges a post as a local user.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="userId">The user.</param>
    public void Acknowledge(string postId, string userId)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        string channelId = ChannelOf(postId);
        Record(channelId, () => _acks[(postId, userId)] = new Acknowledgement { PostId = postId, UserId = userId, ChannelId = channelId, AcknowledgedAt = now }, ChangeKind.Acknowledgement, postId + "/" + userId);
    }

    /// <summary>Adds a local user to a channel.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="userId">The user.</param>
    public void AddMember(string channelId, string userId) =>
        ApplyMembership(new MembershipChange { ChannelId = channelId, UserId = userId, IsAdd = true, ChangeTime = _timeProvider.GetUtcNow() });

    /// <summary>Sets a local user's status.</summary>
    /// <param name="status">The status.</param>
    public void SetLocalStatus(UserStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_gate)
        {
            _statuses[status.UserId] = status;
        }
    }

    // ---- Change log ----

    private void ApplyMembership(MembershipChange change, bool notify = true)
    {
        ArgumentNullException.ThrowIfNull(change);
        Record(
            change.ChannelId,
            () =>
            {
                HashSet<string> members = _members.TryGetValue(change.ChannelId, out HashSet<string>? existing) ? existing : _members[change.ChannelId] = new HashSet<string>(StringComparer.Ordinal);
                _lastMembershipChanges[(change.ChannelId, change.UserId)] = change;
                if (change.IsAdd)
                {
                    members.Add(change.UserId);
                }
                else
                {
                    members.Remove(change.UserId);
                }

                return change;
            },
            ChangeKind.Membership,
            change.UserId,
            notify);
    }

    private void Record(string channelId, Func<object?> apply, ChangeKind kind, string key, bool notify = true)
    {
        lock (_gate)
        {
            object? snapshot = apply();
            if (!_logByChannel.TryGetValue(channelId, out List<int>? positions))
            {
                _logByChannel[channelId] = positions = [];
            }

            positions.Add(_log.Count);
            _log.Add(new Change(channelId, kind, key)
            {
                Reaction = snapshot as Reaction,
                Acknowledgement = snapshot as Acknowledgement,
                Membership = snapshot as MembershipChange,
            });
        }

        if (notify)
        {
            ChannelChanged?.Invoke(channelId);
        }
    }

    private string ChannelOf(string postId)
    {
        lock (_gate)
        {
            return _posts[postId].ChannelId;
        }
    }

    private static string ReactionKey(string postId, string userId, string emoji) => postId + "/" + userId + "/" + emoji;

    private static DateTimeOffset Later(DateTimeOffset previous, DateTimeOffset now) => now > previous ? now : previous.AddMilliseconds(1);

    private sealed record Change(string ChannelId, ChangeKind Kind, string Key)
    {
        public Reaction? Reaction { get; init; }

        public Acknowledgement? Acknowledgement { get; init; }

        public MembershipChange? Membership { get; init; }
    }
}
