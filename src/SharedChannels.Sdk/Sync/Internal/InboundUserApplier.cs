using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Applies a message's users: the sender's own users become shadow users here, named so that they never take a
/// local name (see <see cref="UsernameRenamer"/>); users of this workspace or of another connection are refused.
/// </summary>
internal static class InboundUserApplier
{
    public static async Task ApplyAsync(InboundApplyContext context, Dictionary<string, UserDto>? users, CancellationToken cancellationToken)
    {
        int limit = context.Options.EffectiveMaxUsersPerSyncMessage;
        int seen = 0;
        foreach ((string key, UserDto? dto) in users ?? [])
        {
            if (++seen > limit)
            {
                // Each message can create only so many shadow users; the rest are refused, each with the reason.
                context.Refuse("user", key, $"the message carries more than {limit} users, the most this workspace takes in one message");
                continue;
            }

            if (dto is null)
            {
                context.Refuse("user", key, "the user object is null");
                continue;
            }

            string id = dto.Id ?? key;
            if (!RemoteIds.IsValid(id) || id != key || string.IsNullOrWhiteSpace(dto.Username))
            {
                context.Refuse("user", key, "the user object is missing its id or username");
                continue;
            }

            ChatUser? existing = await context.GetUserAsync(id, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.RemoteId != context.Connection.RemoteId)
            {
                context.Refuse("user", id, existing.IsRemote ? "the user belongs to another workspace" : "the user belongs to this workspace");
                continue;
            }

            // Stripped of invisible, bidi and control characters; null when nothing visible is left (named from the id).
            string? remoteUsername = UsernameSanitizer.CleanRemoteUsername(dto.Props?.GetValueOrDefault(SyncMapping.PropRemoteUsername)) ?? UsernameSanitizer.CleanRemoteUsername(dto.Username);
            string username = existing is not null && existing.RemoteUsername == remoteUsername
                ? existing.Username
                : await ChooseUsernameAsync(context, id, remoteUsername, cancellationToken).ConfigureAwait(false);
            string? origin = dto.Props?.GetValueOrDefault(SyncMapping.PropOriginalRemoteId) is { Length: > 0 } o ? o : context.Connection.RemoteId;
            var user = new ChatUser
            {
                Id = id,
                Username = username,
                FirstName = dto.FirstName ?? string.Empty,
                LastName = dto.LastName ?? string.Empty,
                Nickname = dto.Nickname ?? string.Empty,
                Position = dto.Position ?? string.Empty,
                IsBot = dto.IsBot,
                UpdateAt = SyncMapping.FromMs(Math.Max(dto.UpdateAt, 0)),
                DeleteAt = SyncMapping.FromMsOrNull(Math.Max(dto.DeleteAt, 0)),
                RemoteId = context.Connection.RemoteId,
                RemoteUsername = remoteUsername,
                OriginalRemoteId = origin,
            };

            if (existing != user)
            {
                await context.Work.Users.UpsertRemoteUserAsync(user, cancellationToken).ConfigureAwait(false);
                context.Users[id] = user;
            }

            context.Response.UsersSyncd.Add(id);
            context.Response.UsersLastUpdateAt = Math.Max(context.Response.UsersLastUpdateAt, dto.UpdateAt);
            context.Applied("user", changesChannel: false);
        }
    }

    private static async Task<string> ChooseUsernameAsync(InboundApplyContext context, string userId, string? remoteUsername, CancellationToken cancellationToken)
    {
        // The skeleton (a-z0-9._-:), so a look-alike of a local name collides with it exactly.
        string wanted = UsernameSanitizer.ToLocalUsername(remoteUsername, userId);
        string connectionName = context.Connection.Name;
        foreach (string candidate in UsernameRenamer.Candidates(wanted, connectionName, context.Options.UsernameCollisionPolicy))
        {
            ChatUser? holder = await context.Work.Users.FindByUsernameAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (holder is null || holder.Id == userId)
            {
                return candidate;
            }
        }

        // Every Mattermost-style candidate is taken: fall back to the id, which is unique.
        return UsernameRenamer.Munge(userId, connectionName, string.Empty, UsernameRenamer.MaxUsernameLength);
    }
}
