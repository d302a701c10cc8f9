using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Storage;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Turns one page of a channel's changes into the sync message for one connection: drops what came from that
/// connection (echo) and system messages, puts thread roots before replies, and adds the users the items refer
/// to and the mention transforms the receiver needs.
/// </summary>
internal static class SyncBatchBuilder
{
    private const int MaxMentionsPerPost = 50;

    public static async Task<SyncMsgDto?> BuildAsync(SharedChannel channel, string connectionId, ChannelChanges page, IReadOnlyList<UserStatus> statuses, IUserDirectory users, CancellationToken cancellationToken)
    {
        // A workspace that received the channel read-only has nothing of its own to send but memberships.
        bool mayWrite = channel.IsHome || !channel.ReadOnly;
        List<Post> posts = mayWrite ? [.. page.Posts.Where(p => p.RemoteId != connectionId && !IsSystemMessage(p))] : [];
        posts = [.. posts.Where(p => !p.IsReply), .. posts.Where(p => p.IsReply)];
        List<Reaction> reactions = mayWrite ? [.. page.Reactions.Where(r => r.RemoteId != connectionId)] : [];
        List<Acknowledgement> acks = mayWrite ? [.. page.Acknowledgements.Where(a => a.RemoteId != connectionId)] : [];
        List<MembershipChange> memberships = [.. page.MembershipChanges.Where(m => m.RemoteId != connectionId)];

        if (posts.Count == 0 && reactions.Count == 0 && acks.Count == 0 && memberships.Count == 0 && statuses.Count == 0)
        {
            return null;
        }

        var userIds = new HashSet<string>(StringComparer.Ordinal);
        userIds.UnionWith(posts.Select(p => p.UserId));
        userIds.UnionWith(reactions.Select(r => r.UserId));
        userIds.UnionWith(acks.Select(a => a.UserId));
        userIds.UnionWith(memberships.Select(m => m.UserId));
        var userDtos = new Dictionary<string, UserDto>(StringComparer.Ordinal);
        foreach (string userId in userIds)
        {
            // The peer owns its own users; everyone else is described to it (relayed users keep their origin).
            if (await users.GetUserAsync(userId, cancellationToken).ConfigureAwait(false) is { } user && user.RemoteId != connectionId)
            {
                userDtos[user.Id] = SyncMapping.ToDto(user, user.RemoteId is null ? null : user.OriginalRemoteId ?? user.RemoteId);
            }
        }

        var transforms = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Post post in posts)
        {
            foreach (string mention in MentionRewriter.FindMentions(post.Message).Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxMentionsPerPost))
            {
                if (!transforms.ContainsKey(mention) && await users.FindByUsernameAsync(mention, cancellationToken).ConfigureAwait(false) is { } mentioned)
                {
                    transforms[mention] = mentioned.Id;
                }
            }
        }

        return new SyncMsgDto
        {
            Id = RemoteIds.NewId(),
            ChannelId = channel.ChannelId,
            Users = userDtos.Count > 0 ? userDtos : null,
            Posts = posts.Count > 0 ? [.. posts.Select(SyncMapping.ToDto)] : null,
            Reactions = reactions.Count > 0 ? [.. reactions.Select(SyncMapping.ToDto)] : null,
            Acknowledgements = acks.Count > 0 ? [.. acks.Select(SyncMapping.ToDto)] : null,
            MembershipChanges = memberships.Count > 0 ? [.. memberships.Select(SyncMapping.ToDto)] : null,
            Statuses = statuses.Count > 0 ? [.. statuses.Select(SyncMapping.ToDto)] : null,
            MentionTransforms = transforms.Count > 0 ? transforms : null,
        };
    }

    public static bool IsSystemMessage(Post post) => post.Type.StartsWith("system_", StringComparison.Ordinal);
}
