using SharedChannels.Content;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>Applies a message's acknowledgements: the sender's users, on posts of this channel; allowed in a channel read-only for the sender.</summary>
internal static class InboundAcknowledgementApplier
{
    public static async Task ApplyAsync(InboundApplyContext context, List<AcknowledgementDto>? acknowledgements, CancellationToken cancellationToken)
    {
        await context.LoadPostsAsync((acknowledgements ?? []).Select(a => a?.PostId), cancellationToken).ConfigureAwait(false);
        foreach (AcknowledgementDto? dto in acknowledgements ?? [])
        {
            if (dto is null)
            {
                context.Refuse("acknowledgement", "(null)", "the acknowledgement is null");
                continue;
            }

            Acknowledgement? ack = SyncMapping.FromDto(dto, context.ChannelId, context.Connection.RemoteId);
            string id = dto.PostId ?? "(none)";
            if (ack is null)
            {
                context.Refuse("acknowledgement", id, "the acknowledgement is missing its user or post, or has an invalid time");
                continue;
            }

            if (!await context.CheckWriteAsync("acknowledgement", id, ack.ChannelId, ack.UserId, cancellationToken, allowedReadOnly: true).ConfigureAwait(false) ||
                !context.CheckPostInChannel("acknowledgement", ack.PostId))
            {
                continue;
            }

            await context.Work.Content.UpsertAcknowledgementAsync(ack, cancellationToken).ConfigureAwait(false);
            context.Response.AcknowledgementsLastUpdateAt = Math.Max(context.Response.AcknowledgementsLastUpdateAt, dto.AcknowledgedAt);
            context.Applied("acknowledgement");
        }
    }
}
