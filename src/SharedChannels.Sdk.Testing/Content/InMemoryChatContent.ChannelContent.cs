using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Testing;

/// <content>The <see cref="IChannelContent"/> port.</content>
public sealed partial class InMemoryChatContent
{
    // ---- IChannelContent ----

    /// <inheritdoc />
    public ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_channels.GetValueOrDefault(channelId));
        }
    }

    /// <inheritdoc />
    public ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            if (!_channels.ContainsKey(channel.Id))
            {
                _channels[channel.Id] = channel with { TeamId = teamId };
                _members.TryAdd(channel.Id, new HashSet<string>(StringComparer.Ordinal));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_log.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <inheritdoc />
    public ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default)
    {
        int start = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate)
        {
            var postIds = new List<string>();
            var seenPosts = new HashSet<string>(StringComparer.Ordinal);
            var reactions = new Dictionary<string, Reaction>(StringComparer.Ordinal);
            var acks = new Dictionary<string, Acknowledgement>(StringComparer.Ordinal);
            var memberships = new List<MembershipChange>();
            List<int> positions = _logByChannel.TryGetValue(channelId, out List<int>? list) ? list : [];
            int index = positions.BinarySearch(start);
            index = index < 0 ? ~index : index;
            int position = start;
            for (; index < positions.Count; index++)
            {
                Change change = _log[positions[index]];
                if (change.Kind == ChangeKind.Post && !seenPosts.Contains(change.Key))
                {
                    if (postIds.Count == maxPosts)
                    {
                        break;
                    }

                    seenPosts.Add(change.Key);
                    postIds.Add(change.Key);
                }
                else if (change.Kind == ChangeKind.Reaction)
                {
                    reactions[change.Key] = change.Reaction!;
                }
                else if (change.Kind == ChangeKind.Acknowledgement)
                {
                    acks[change.Key] = change.Acknowledgement!;
                }
                else if (change.Kind == ChangeKind.Membership)
                {
                    memberships.Add(change.Membership!);
                }

                position = positions[index] + 1;
            }

            // The latest state of each post: an edit after the page's end is sent again later, harmlessly.
            var page = new ChannelChanges
            {
                Posts = [.. postIds.Select(id => _posts[id])],
                Reactions = [.. reactions.Values],
                Acknowledgements = [.. acks.Values],
                MembershipChanges = memberships,
                NextCursor = position.ToString(System.Globalization.CultureInfo.InvariantCulture),
                HasMore = index < positions.Count,
            };
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc />
    public ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_posts.GetValueOrDefault(postId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(postIds);
        var found = new Dictionary<string, Post>(postIds.Count, StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (string id in postIds)
            {
                if (_posts.TryGetValue(id, out Post? post))
                {
                    found[id] = post;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, Post>>(found);
    }

    /// <inheritdoc />
    public ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
        Record(post.ChannelId, () => _posts[post.Id] = post, ChangeKind.Post, post.Id, notify: false);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reaction);
        Record(reaction.ChannelId, () => _reactions[(reaction.PostId, reaction.UserId, reaction.EmojiName)] = reaction, ChangeKind.Reaction, ReactionKey(reaction.PostId, reaction.UserId, reaction.EmojiName), notify: false);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        Record(acknowledgement.ChannelId, () => _acks[(acknowledgement.PostId, acknowledgement.UserId)] = acknowledgement, ChangeKind.Acknowledgement, acknowledgement.PostId + "/" + acknowledgement.UserId, notify: false);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_reactions.GetValueOrDefault((postId, userId, emojiName)));
        }
    }

    /// <inheritdoc />
    public ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_lastMembershipChanges.GetValueOrDefault((channelId, userId)));
        }
    }

    /// <inheritdoc />
    public ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default)
    {
        ApplyMembership(change, notify: change.RemoteId is null);
        return ValueTask.CompletedTask;
    }
}
