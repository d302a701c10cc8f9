using SharedChannels.Content;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>Applies a message's membership changes: the sender's users in this channel; a late, older change never undoes a newer one.</summary>
internal static class InboundMembershipApplier
{
    public static async Task ApplyAsync(InboundApplyContext context, List<MembershipChangeDto>? changes, CancellationToken cancellationToken)
    {
        foreach (MembershipChangeDto? dto in changes ?? [])
        {
            if (dto is null)
            {
                context.Refuse("membership", "(null)", "the membership is null");
                continue;
            }

            MembershipChange? change = SyncMapping.FromDto(dto, context.ChannelId, context.Connection.RemoteId);
            string id = dto.UserId ?? "(none)";
            if (change is null)
            {
                context.Refuse("membership", id, "the membership change is missing its user or has an invalid time");
                continue;
            }

            if (!await context.CheckWriteAsync("membership", id, change.ChannelId, change.UserId, cancellationToken, allowedReadOnly: true).ConfigureAwait(false))
            {
                continue;
            }

            if (await context.Work.Content.GetLatestMembershipChangeAsync(change.ChannelId, change.UserId, cancellationToken).ConfigureAwait(false) is { } latest &&
                latest.ChangeTime >= change.ChangeTime)
            {
                continue;
            }

            await context.Work.Content.ApplyMembershipChangeAsync(change, cancellationToken).ConfigureAwait(false);
            context.Applied("membership");
        }
    }
}
