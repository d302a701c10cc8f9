namespace SharedChannels.Identity;

/// <summary>
/// Host port: answers whether a local user holds one of the SDK's permissions. System admins hold both by
/// default in Mattermost; a host may delegate them to other roles.
/// </summary>
public interface IPermissionChecker
{
    /// <summary>Returns whether <paramref name="userId"/> holds <paramref name="permission"/>.</summary>
    /// <param name="userId">The acting local user.</param>
    /// <param name="permission">The permission the operation needs.</param>
    /// <param name="cancellationToken">A token to cancel the check.</param>
    /// <returns><see langword="true"/> when the user holds the permission.</returns>
    ValueTask<bool> HasPermissionAsync(string userId, SharedChannelsPermission permission, CancellationToken cancellationToken = default);
}
