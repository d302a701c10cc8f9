using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Testing;

/// <content>What the workspace's UI would show: posts, reactions, members and users as they stand.</content>
public sealed partial class InMemoryChatContent
{
    // ---- Reading (what the UI would show) ----

    /// <summary>Gets the posts of a channel in creation order, deleted ones included, system messages excluded.</summary>
    /// <param name="channelId">The channel.</param>
    /// <returns>The posts.</returns>
    public IReadOnlyList<Post> GetPosts(string channelId)
    {
        lock (_gate)
        {
            return [.. _posts.Values.Where(p => p.ChannelId == channelId && p.Type != SystemMessageType).OrderBy(p => p.CreateAt).ThenBy(p => p.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Gets the system messages posted in a channel, oldest first.</summary>
    /// <param name="channelId">The channel.</param>
    /// <returns>The texts.</returns>
    public IReadOnlyList<string> GetSystemMessages(string channelId)
    {
        lock (_gate)
        {
            return [.. _posts.Values.Where(p => p.ChannelId == channelId && p.Type == SystemMessageType).OrderBy(p => p.CreateAt).ThenBy(p => p.Id, StringComparer.Ordinal).Select(p => p.Message)];
        }
    }

    /// <summary>Gets the reactions on a post that are not removed.</summary>
    /// <param name="postId">The post.</param>
    /// <returns>The reactions.</returns>
    public IReadOnlyList<Reaction> GetReactions(string postId)
    {
        lock (_gate)
        {
            return [.. _reactions.Values.Where(r => r.PostId == postId && !r.IsDeleted).OrderBy(r => r.CreateAt).ThenBy(r => r.EmojiName, StringComparer.Ordinal)];
        }
    }

    /// <summary>Gets the acknowledgements of a post that are not removed.</summary>
    /// <param name="postId">The post.</param>
    /// <returns>The acknowledgements.</returns>
    public IReadOnlyList<Acknowledgement> GetAcknowledgements(string postId)
    {
        lock (_gate)
        {
            return [.. _acks.Values.Where(a => a.PostId == postId && a.AcknowledgedAt is not null)];
        }
    }

    /// <summary>Gets the members of a channel.</summary>
    /// <param name="channelId">The channel.</param>
    /// <returns>The user ids.</returns>
    public IReadOnlyCollection<string> GetMembers(string channelId)
    {
        lock (_gate)
        {
            return _members.TryGetValue(channelId, out HashSet<string>? members) ? [.. members] : [];
        }
    }

    /// <summary>Gets a user's status, or <see langword="null"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <returns>The status.</returns>
    public UserStatus? GetStatus(string userId)
    {
        lock (_gate)
        {
            return _statuses.GetValueOrDefault(userId);
        }
    }

    /// <summary>Gets every user, local and shadow.</summary>
    /// <returns>The users.</returns>
    public IReadOnlyList<ChatUser> GetUsers()
    {
        lock (_gate)
        {
            return [.. _users.Values.OrderBy(u => u.Username, StringComparer.Ordinal)];
        }
    }

    /// <summary>Gets whether a channel exists here.</summary>
    /// <param name="channelId">The channel.</param>
    /// <returns>Whether it exists.</returns>
    public bool HasChannel(string channelId)
    {
        lock (_gate)
        {
            return _channels.ContainsKey(channelId);
        }
    }
}
