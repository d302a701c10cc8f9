using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Cuts a sync message into smaller ones: the users beyond what one message may carry, and the halves of a message a
/// peer refused as too large (HTTP 413). Every part has a fresh id and keeps the mention transforms.
/// </summary>
internal static class PayloadSplitter
{
    /// <summary>The most users sent in one sync message: Mattermost's <c>MaxUsersPerSync</c>.</summary>
    public const int MaxUsersPerMessage = 25;

    /// <summary>Gets the message's users in chunks of at most <see cref="MaxUsersPerMessage"/>, when it has more than that.</summary>
    /// <returns>The chunks, or <see langword="null"/> when the message's users fit in it.</returns>
    public static IReadOnlyList<Dictionary<string, UserDto>>? UserChunks(SyncMsgDto message) =>
        message.Users is { Count: > MaxUsersPerMessage } users
            ? [.. users.Chunk(MaxUsersPerMessage).Select(chunk => new Dictionary<string, UserDto>(chunk, StringComparer.Ordinal))]
            : null;

    /// <summary>
    /// Splits the posts of a message in two, in order. Both halves carry the users and mention transforms (the receiver
    /// needs them for either). The reactions, acknowledgements, memberships and statuses go with the second, sent after
    /// the first was accepted, so the posts they refer to are stored by then; roots stay before their replies.
    /// </summary>
    /// <returns>The halves, or <see langword="null"/> when the message has fewer than two posts.</returns>
    public static (SyncMsgDto First, SyncMsgDto Second)? Halve(SyncMsgDto message)
    {
        if (message.Posts is not { Count: > 1 } posts)
        {
            return null;
        }

        int half = posts.Count / 2;
        return (Part(message, posts[..half], withOtherItems: false), Part(message, posts[half..], withOtherItems: true));
    }

    /// <summary>Gets a copy of the message with the given posts, with or without its other items and users.</summary>
    public static SyncMsgDto Part(SyncMsgDto message, List<PostDto>? posts, bool withOtherItems, bool withUsers = true) => new()
    {
        Id = RemoteIds.NewId(),
        ChannelId = message.ChannelId,
        Users = withUsers ? message.Users : null,
        Posts = posts,
        Reactions = withOtherItems ? message.Reactions : null,
        Acknowledgements = withOtherItems ? message.Acknowledgements : null,
        MembershipChanges = withOtherItems ? message.MembershipChanges : null,
        Statuses = withOtherItems ? message.Statuses : null,
        MentionTransforms = message.MentionTransforms,
    };

    /// <summary>Gets whether a message carries anything besides posts and users.</summary>
    public static bool HasOtherItems(SyncMsgDto message) =>
        message.Reactions is { Count: > 0 } || message.Acknowledgements is { Count: > 0 } ||
        message.MembershipChanges is { Count: > 0 } || message.Statuses is { Count: > 0 };
}
