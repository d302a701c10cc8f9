using SharedChannels.Identity;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>Applies a message's user statuses: only of users the sender owns, unless status sync is off here.</summary>
internal static class InboundStatusApplier
{
    public static async Task ApplyAsync(InboundApplyContext context, List<StatusDto>? statuses, CancellationToken cancellationToken)
    {
        if (context.Options.DisableSharedChannelsStatusSync)
        {
            return;
        }

        foreach (StatusDto? dto in statuses ?? [])
        {
            if (dto is null)
            {
                context.Refuse("status", "(null)", "the status is null");
                continue;
            }

            UserStatus? status = SyncMapping.FromDto(dto);
            string id = dto.UserId ?? "(none)";
            if (status is null)
            {
                context.Refuse("status", id, "the status is missing its user or has an unknown value");
                continue;
            }

            if (!await context.OwnsUserAsync(status.UserId, cancellationToken).ConfigureAwait(false))
            {
                context.Refuse("status", id, "the sender may only set the status of its own users");
                continue;
            }

            await context.Work.Users.SetStatusAsync(status, cancellationToken).ConfigureAwait(false);
            context.Applied("status", changesChannel: false);
        }
    }
}
