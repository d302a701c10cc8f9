using SharedChannels.Content;
using SharedChannels.Identity.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Applies a message's posts, roots before replies: the sender's users only, in this channel, not longer than this
/// workspace takes, never posing as a system message; a delete is final and an older version never replaces a newer.
/// </summary>
internal static class InboundPostApplier
{
    public static async Task ApplyAsync(InboundApplyContext context, List<PostDto>? posts, CancellationToken cancellationToken)
    {
        if (posts is not { Count: > 0 })
        {
            return;
        }

        // The stored versions of the batch's posts and thread roots, in one read.
        await context.LoadPostsAsync(PostAndRootIds(posts), cancellationToken).ConfigureAwait(false);

        // Roots before replies, whatever order the peer used.
        foreach (PostDto? dto in posts.OrderBy(p => string.IsNullOrEmpty(p?.RootId) ? 0 : 1))
        {
            if (dto is null)
            {
                context.Refuse("post", "(null)", "the post is null");
                continue;
            }

            if (SyncMapping.FromDto(dto, context.Connection.RemoteId) is not { } post)
            {
                context.Refuse("post", dto.Id ?? "(none)", "the post is missing its id, author or channel, or has invalid times");
                continue;
            }

            if (await AcceptAsync(context, post, cancellationToken).ConfigureAwait(false) is not { } existing)
            {
                continue;
            }

            context.Response.PostsLastUpdateAt = Math.Max(context.Response.PostsLastUpdateAt, dto.UpdateAt);

            // Idempotent: a delete is final, and an older or equal version never replaces a newer one.
            if (existing.Post is { } stored && (stored.IsDeleted || stored.UpdateAt >= post.UpdateAt))
            {
                continue;
            }

            Post written = post with { Message = await RewriteMentionsAsync(context, post.Message, cancellationToken).ConfigureAwait(false) };
            await context.Work.Content.UpsertPostAsync(written, cancellationToken).ConfigureAwait(false);
            context.Posts[written.Id] = written;
            context.Applied("post");
        }
    }

    /// <summary>The checks of one post; the stored version (possibly none) when it passes, <see langword="null"/> when refused.</summary>
    private static async Task<StoredPost?> AcceptAsync(InboundApplyContext context, Post post, CancellationToken cancellationToken)
    {
        // Mattermost refuses longer messages too (PostMessageMaxRunesV2), so none of its peers send one.
        int maxLength = context.Options.EffectiveMaxPostMessageLength;
        if (post.Message.Length > maxLength && post.Message.EnumerateRunes().Count() > maxLength)
        {
            context.Refuse("post", post.Id, $"the message is longer than {maxLength} characters, the most this workspace accepts");
            return null;
        }

        // System messages are this workspace's own notices; a peer's text must never pose as one.
        if (SyncBatchBuilder.IsSystemMessage(post))
        {
            context.Refuse("post", post.Id, "system messages are not accepted from other workspaces");
            return null;
        }

        if (!await context.CheckWriteAsync("post", post.Id, post.ChannelId, post.UserId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        Post? existing = context.Posts.GetValueOrDefault(post.Id);
        if (existing is not null && (existing.UserId != post.UserId || existing.ChannelId != post.ChannelId))
        {
            context.Refuse("post", post.Id, "a post with this id already exists with another author or channel");
            return null;
        }

        if (post.IsReply && context.Posts.GetValueOrDefault(post.RootId) is { } root && root.ChannelId != post.ChannelId)
        {
            context.Refuse("post", post.Id, "the thread root is in another channel");
            return null;
        }

        return new StoredPost(existing);
    }

    private static IEnumerable<string?> PostAndRootIds(List<PostDto> posts)
    {
        foreach (PostDto? post in posts)
        {
            if (post is not null)
            {
                yield return post.Id;
                yield return post.RootId;
            }
        }
    }

    private static async Task<string> RewriteMentionsAsync(InboundApplyContext context, string message, CancellationToken cancellationToken)
    {
        if (context.MentionTransforms is not { Count: > 0 } transforms)
        {
            return message;
        }

        // The same for every post of the message: built once, after the message's users were applied.
        if (context.MentionReplacements is not { } replacements)
        {
            replacements = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach ((string mention, string? userId) in transforms)
            {
                if (userId is not null && await context.GetUserAsync(userId, cancellationToken).ConfigureAwait(false) is { } user)
                {
                    replacements[mention] = user.Username;
                }
            }

            context.MentionReplacements = replacements;
        }

        return MentionRewriter.Rewrite(message, replacements);
    }

    /// <summary>The stored version of an accepted post, <see langword="null"/> when it is new here.</summary>
    private readonly record struct StoredPost(Post? Post);
}
