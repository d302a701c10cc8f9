namespace SharedChannels.Content;

/// <summary>
/// Host port: the host's chat data of shared channels. The SDK reads what changed after a cursor to send it,
/// and applies what peers send. Items are upserted by id (the same ids on every workspace), so applying the same
/// item twice must give the same state.
/// </summary>
/// <remarks>
/// Cursors are the host's: a monotonically increasing sequence gives gap-free sync. The SDK stores them per
/// channel and connection and never interprets them; it does not assume that clocks agree.
/// </remarks>
public interface IChannelContent
{
    /// <summary>Gets a channel's description, or <see langword="null"/> when it does not exist.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The channel.</returns>
    ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default);

    /// <summary>Creates a channel shared by a peer, with the peer's id, in <paramref name="teamId"/>; does nothing when it exists.</summary>
    /// <param name="channel">The channel as the home workspace describes it.</param>
    /// <param name="teamId">The local team to create it in (the connection's destination team).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the channel exists.</returns>
    ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default);

    /// <summary>Gets the cursor at the current end of the channel's changes (where sync to a newly invited workspace starts).</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The cursor.</returns>
    ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default);

    /// <summary>Reads the changes of a channel after <paramref name="cursor"/>, with at most <paramref name="maxPosts"/> posts.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="cursor">Where to start; <see langword="null"/> for the beginning.</param>
    /// <param name="maxPosts">The most posts to return.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The page of changes and the cursor after it.</returns>
    ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default);

    /// <summary>Gets a post by id, deleted ones included, or <see langword="null"/>.</summary>
    /// <param name="postId">The post.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The post.</returns>
    ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets several posts by id, deleted ones included; ids that do not exist are left out. The SDK reads the posts an
    /// incoming batch refers to with one call. The default implementation calls <see cref="GetPostAsync"/> once per
    /// id: implement it with one query when a lookup costs a round trip to a database.
    /// </summary>
    /// <param name="postIds">The posts' ids (no duplicates).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The posts found, by id.</returns>
    async ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(postIds);
        var found = new Dictionary<string, Post>(postIds.Count, StringComparer.Ordinal);
        foreach (string id in postIds)
        {
            if (await GetPostAsync(id, cancellationToken).ConfigureAwait(false) is { } post)
            {
                found[id] = post;
            }
        }

        return found;
    }

    /// <summary>Creates or replaces a post from a peer (same id). The SDK has already checked rights and ordering.</summary>
    /// <param name="post">The post's new state, with <see cref="Post.RemoteId"/> set to the connection it came from.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the post is stored.</returns>
    ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default);

    /// <summary>Adds, updates or removes (<see cref="Reaction.DeleteAt"/> set) a reaction from a peer.</summary>
    /// <param name="reaction">The reaction, with <see cref="Reaction.RemoteId"/> set.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the reaction is stored.</returns>
    ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default);

    /// <summary>Adds or removes an acknowledgement from a peer.</summary>
    /// <param name="acknowledgement">The acknowledgement, with <see cref="Acknowledgement.RemoteId"/> set.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the acknowledgement is stored.</returns>
    ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets the stored state of one reaction (removed ones included), or <see langword="null"/>. The SDK uses it so
    /// that a late, older version of a reaction never undoes a newer one. The default implementation knows nothing,
    /// which leaves reactions last-arrival-wins: implement it for gap-free ordering under retries.
    /// </summary>
    /// <param name="postId">The post.</param>
    /// <param name="userId">The reacting user.</param>
    /// <param name="emojiName">The emoji.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The reaction, or <see langword="null"/> when unknown.</returns>
    ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<Reaction?>(null);

    /// <summary>
    /// Gets the latest membership change of a user in a channel, or <see langword="null"/>. The SDK uses it so that a
    /// late, older join or leave never undoes a newer one. The default implementation knows nothing.
    /// </summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The latest change, or <see langword="null"/> when unknown.</returns>
    ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<MembershipChange?>(null);

    /// <summary>Adds a user to, or removes a user from, a channel.</summary>
    /// <param name="change">The change, with <see cref="MembershipChange.RemoteId"/> set when it came from a peer.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the membership is stored.</returns>
    ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default);
}
