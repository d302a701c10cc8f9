using SharedChannels.Content;
using SharedChannels.Testing;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>What users of one workspace see of one channel: posts (text, deletion, thread, author), live reactions, acknowledgements and members.</summary>
internal sealed record ChannelView(
    IReadOnlyDictionary<string, ChannelView.PostState> Posts,
    IReadOnlySet<string> Reactions,
    IReadOnlySet<string> Acknowledgements,
    IReadOnlySet<string> Members)
{
    public static ChannelView Of(InMemoryChatContent content, string channelId)
    {
        IReadOnlyList<Post> posts = content.GetPosts(channelId);
        var states = new Dictionary<string, PostState>(StringComparer.Ordinal);
        var reactions = new SortedSet<string>(StringComparer.Ordinal);
        var acks = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Post post in posts)
        {
            // A duplicate id cannot hide here: the view is keyed by id, and Add throws on a second copy.
            states.Add(post.Id, new PostState(post.UserId, post.RootId, post.Message, post.IsDeleted));
            reactions.UnionWith(content.GetReactions(post.Id).Select(r => $"{r.PostId}/{r.UserId}/{r.EmojiName}"));
            acks.UnionWith(content.GetAcknowledgements(post.Id).Select(a => $"{a.PostId}/{a.UserId}"));
        }

        return new ChannelView(states, reactions, acks, new SortedSet<string>(content.GetMembers(channelId), StringComparer.Ordinal));
    }

    /// <summary>Describes how <paramref name="other"/> differs from this view, at most a few lines per kind.</summary>
    public IEnumerable<ChaosDifference> Differences(ChannelView other, string label)
    {
        const int PerKind = 8;
        foreach (string id in Posts.Keys.Except(other.Posts.Keys).Take(PerKind))
        {
            yield return new ChaosDifference("post", $"{label}: post {id} missing on the second side");
        }

        foreach (string id in other.Posts.Keys.Except(Posts.Keys).Take(PerKind))
        {
            yield return new ChaosDifference("post", $"{label}: post {id} only on the second side");
        }

        foreach ((string id, PostState state) in Posts.Where(p => other.Posts.TryGetValue(p.Key, out PostState? o) && o != p.Value).Take(PerKind))
        {
            yield return new ChaosDifference("post", $"{label}: post {id} differs: {state} vs {other.Posts[id]}");
        }

        foreach ((string kind, IReadOnlySet<string> mine, IReadOnlySet<string> theirs) in new[] { ("reaction", Reactions, other.Reactions), ("acknowledgement", Acknowledgements, other.Acknowledgements), ("member", Members, other.Members) })
        {
            foreach (string item in mine.Except(theirs).Take(PerKind))
            {
                yield return new ChaosDifference(kind, $"{label}: {kind} {item} missing on the second side");
            }

            foreach (string item in theirs.Except(mine).Take(PerKind))
            {
                yield return new ChaosDifference(kind, $"{label}: {kind} {item} only on the second side");
            }
        }
    }

    /// <summary>The visible state of one post.</summary>
    internal sealed record PostState(string UserId, string RootId, string Message, bool IsDeleted);
}
