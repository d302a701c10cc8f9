using System.Collections.Concurrent;
using SharedChannels.Content;

namespace SharedChannels.Tests.TestSupport;

/// <summary>
/// Forwards every <see cref="IChannelContent"/> member to another implementation and counts the post lookups.
/// Every member is forwarded explicitly, the ones with a default implementation included: otherwise the
/// interface's default would run instead of the inner implementation's.
/// </summary>
internal sealed class CountingChannelContent(IChannelContent inner) : IChannelContent
{
    private int _getPostCalls;

    /// <summary>Gets how many times <see cref="GetPostAsync"/> was called.</summary>
    public int GetPostCalls => Volatile.Read(ref _getPostCalls);

    /// <summary>Gets the ids passed to each <see cref="GetPostsAsync"/> call, one entry per call.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> GetPostsCalls { get; } = new();

    /// <summary>Forgets what was counted so far.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _getPostCalls, 0);
        GetPostsCalls.Clear();
    }

    public ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default) =>
        inner.GetChannelAsync(channelId, cancellationToken);

    public ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default) =>
        inner.CreateChannelAsync(channel, teamId, cancellationToken);

    public ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default) =>
        inner.GetLatestCursorAsync(channelId, cancellationToken);

    public ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default) =>
        inner.ReadChangesAsync(channelId, cursor, maxPosts, cancellationToken);

    public ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _getPostCalls);
        return inner.GetPostAsync(postId, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default)
    {
        GetPostsCalls.Enqueue([.. postIds]);
        return inner.GetPostsAsync(postIds, cancellationToken);
    }

    public ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default) =>
        inner.UpsertPostAsync(post, cancellationToken);

    public ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default) =>
        inner.UpsertReactionAsync(reaction, cancellationToken);

    public ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default) =>
        inner.UpsertAcknowledgementAsync(acknowledgement, cancellationToken);

    public ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default) =>
        inner.GetReactionAsync(postId, userId, emojiName, cancellationToken);

    /// <summary>Gets or sets whether this host knows no membership history (like a host that leaves the optional member out).</summary>
    public bool WithoutMembershipHistory { get; set; }

    public ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default) =>
        WithoutMembershipHistory ? ValueTask.FromResult<MembershipChange?>(null) : inner.GetLatestMembershipChangeAsync(channelId, userId, cancellationToken);

    public ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default) =>
        inner.ApplyMembershipChangeAsync(change, cancellationToken);
}
