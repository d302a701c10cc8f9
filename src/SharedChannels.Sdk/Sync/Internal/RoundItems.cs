using SharedChannels.Content;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// What the pages of a round in flight carry, to keep a page out of the round when the order in which the peer
/// applies it could matter: when it has a reaction or acknowledgement on a post of an earlier page (accepted only
/// on a post the peer has), or a second version of a reaction, acknowledgement or membership of an earlier page
/// (with a host that does not implement <see cref="IChannelContent.GetReactionAsync"/> or
/// <see cref="IChannelContent.GetLatestMembershipChangeAsync"/>, the last to arrive wins). Posts need nothing:
/// the newest <c>update_at</c> wins whatever the order.
/// </summary>
internal sealed class RoundItems
{
    private readonly HashSet<string> _posts = new(StringComparer.Ordinal);
    private readonly HashSet<(string PostId, string UserId, string EmojiName)> _reactions = [];
    private readonly HashSet<(string PostId, string UserId)> _acknowledgements = [];
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    /// <summary>Gets whether a page must wait for the answers to the pages already in the round.</summary>
    public bool DependsOn(ChannelChanges page) =>
        page.Reactions.Any(r => _posts.Contains(r.PostId) || _reactions.Contains((r.PostId, r.UserId, r.EmojiName))) ||
        page.Acknowledgements.Any(a => _posts.Contains(a.PostId) || _acknowledgements.Contains((a.PostId, a.UserId))) ||
        page.MembershipChanges.Any(m => _members.Contains(m.UserId));

    /// <summary>Adds a page to the round.</summary>
    public void Add(ChannelChanges page)
    {
        _posts.UnionWith(page.Posts.Select(p => p.Id));
        _reactions.UnionWith(page.Reactions.Select(r => (r.PostId, r.UserId, r.EmojiName)));
        _acknowledgements.UnionWith(page.Acknowledgements.Select(a => (a.PostId, a.UserId)));
        _members.UnionWith(page.MembershipChanges.Select(m => m.UserId));
    }
}
