using System.Collections.Concurrent;

using SharedChannels.Identity;

namespace SharedChannels.Testing;

/// <summary>
/// An in-memory <see cref="IPermissionChecker"/> for tests, demos and hosts without roles: grants are held in a
/// set; system admins hold every permission.
/// </summary>
public sealed class InMemoryPermissionChecker : IPermissionChecker
{
    private readonly ConcurrentDictionary<(string UserId, SharedChannelsPermission Permission), bool> _grants = new();
    private readonly ConcurrentDictionary<string, bool> _admins = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="userId"/> a system admin, holding every permission.</summary>
    /// <param name="userId">The user.</param>
    public void AddSystemAdmin(string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        _admins[userId] = true;
    }

    /// <summary>Grants one permission to <paramref name="userId"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="permission">The permission.</param>
    public void Grant(string userId, SharedChannelsPermission permission)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        _grants[(userId, permission)] = true;
    }

    /// <summary>Revokes a permission granted with <see cref="Grant"/> and the admin role.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="permission">The permission.</param>
    public void Revoke(string userId, SharedChannelsPermission permission)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        _grants.TryRemove((userId, permission), out _);
        _admins.TryRemove(userId, out _);
    }

    /// <inheritdoc />
    public ValueTask<bool> HasPermissionAsync(string userId, SharedChannelsPermission permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return ValueTask.FromResult(_admins.ContainsKey(userId) || _grants.ContainsKey((userId, permission)));
    }
}
