using SharedChannels.Content;

namespace SharedChannels.Scenarios;

/// <summary>
/// The <see cref="IChannelContent"/> of B's inbound transactions: the sample's own port, unchanged, with a tap on
/// <see cref="UpsertPostAsync"/> that collects each post the inner port has stored in the transaction
/// (<paramref name="stored"/>). Everything else is passed through.
/// </summary>
internal sealed class ProbedChannelContent(IChannelContent inner, List<string> stored) : IChannelContent
{
    public ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default) =>
        inner.GetChannelAsync(channelId, cancellationToken);

    public ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default) =>
        inner.CreateChannelAsync(channel, teamId, cancellationToken);

    public ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default) =>
        inner.GetLatestCursorAsync(channelId, cancellationToken);

    public ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default) =>
        inner.ReadChangesAsync(channelId, cursor, maxPosts, cancellationToken);

    public ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default) =>
        inner.GetPostAsync(postId, cancellationToken);

    // The optional methods too: a decorator that left them out would silently fall back to their defaults.
    public ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default) =>
        inner.GetPostsAsync(postIds, cancellationToken);

    public ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default) =>
        inner.GetReactionAsync(postId, userId, emojiName, cancellationToken);

    public ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default) =>
        inner.GetLatestMembershipChangeAsync(channelId, userId, cancellationToken);

    public async ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
        await inner.UpsertPostAsync(post, cancellationToken);
        stored.Add(post.Id);
    }

    public ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default) =>
        inner.UpsertReactionAsync(reaction, cancellationToken);

    public ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default) =>
        inner.UpsertAcknowledgementAsync(acknowledgement, cancellationToken);

    public ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default) =>
        inner.ApplyMembershipChangeAsync(change, cancellationToken);
}
