using Microsoft.Extensions.Logging;
using SharedChannels.Diagnostics;

namespace SharedChannels.Identity.Internal;

/// <summary>Checks the acting user's permission through the host's <see cref="IPermissionChecker"/>.</summary>
internal sealed class PermissionGuard(IPermissionChecker checker, ILogger<PermissionGuard> logger)
{
    public async Task DemandAsync(string actingUserId, SharedChannelsPermission permission, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actingUserId);
        if (await checker.HasPermissionAsync(actingUserId, permission, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        Log.PermissionDenied(logger, actingUserId, permission.ToString());
        string wireName = permission == SharedChannelsPermission.ManageSecureConnections ? "manage_secure_connections" : "manage_shared_channels";
        throw new SharedChannelsException(
            SharedChannelsErrorCode.PermissionDenied,
            $"User {actingUserId} does not have the {permission} permission ({wireName}). A system admin can run this or grant the permission.");
    }
}
