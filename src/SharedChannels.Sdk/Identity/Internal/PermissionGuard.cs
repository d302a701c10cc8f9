using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharedChannels.Diagnostics;

namespace SharedChannels.Identity.Internal;

/// <summary>
/// Checks the acting user's permission through the host's <see cref="IPermissionChecker"/>, resolved when first
/// needed so that a missing registration is reported with what to do rather than as an activation failure.
/// </summary>
internal sealed class PermissionGuard(IServiceProvider services, ILogger<PermissionGuard> logger)
{
    public async Task DemandAsync(string actingUserId, SharedChannelsPermission permission, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actingUserId);
        IPermissionChecker checker = services.GetService<IPermissionChecker>() ?? throw new SharedChannelsException(
            SharedChannelsErrorCode.InvalidState,
            "No IPermissionChecker is registered. Register the host's with UsePermissionChecker<T>() on the shared channels builder, so the SDK can check who may manage connections and sharing.");
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
