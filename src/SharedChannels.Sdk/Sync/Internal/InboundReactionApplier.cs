using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>Applies a message's reactions: the sender's users, on posts of this channel, with Mattermost's emoji names; a late, older version never undoes a newer one.</summary>
internal static class InboundReactionApplier
{
    public static async Task ApplyAsync(InboundApplyContext context, List<ReactionDto>? reactions, CancellationToken cancellationToken)
    {
        await context.LoadPostsAsync((reactions ?? []).Select(r => r?.PostId), cancellationToken).ConfigureAwait(false);
        foreach (ReactionDto? dto in reactions ?? [])
        {
            if (dto is null)
            {
                context.Refuse("reaction", "(null)", "the reaction is null");
                continue;
            }

            Reaction? reaction = SyncMapping.FromDto(dto, context.ChannelId, context.Connection.RemoteId);
            string id = dto.PostId ?? "(none)";
            if (reaction is null)
            {
                context.Refuse("reaction", id, "the reaction is missing its user, post or emoji, or has invalid times");
                continue;
            }

            if (!EmojiNames.IsValid(reaction.EmojiName))
            {
                context.Refuse("reaction", id, EmojiNames.InvalidReason);
                continue;
            }

            if (!await context.CheckWriteAsync("reaction", id, reaction.ChannelId, reaction.UserId, cancellationToken).ConfigureAwait(false) ||
                !context.CheckPostInChannel("reaction", reaction.PostId))
            {
                continue;
            }

            context.Response.ReactionsLastUpdateAt = Math.Max(context.Response.ReactionsLastUpdateAt, dto.UpdateAt);

            // A late, older version (a retried or reordered batch) never undoes a newer one.
            if (await context.Work.Content.GetReactionAsync(reaction.PostId, reaction.UserId, reaction.EmojiName, cancellationToken).ConfigureAwait(false) is { } stored &&
                stored.UpdateAt >= reaction.UpdateAt)
            {
                continue;
            }

            await context.Work.Content.UpsertReactionAsync(reaction, cancellationToken).ConfigureAwait(false);
            context.Applied("reaction");
        }
    }
}
