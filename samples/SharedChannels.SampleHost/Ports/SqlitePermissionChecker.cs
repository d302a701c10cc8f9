using Microsoft.Data.Sqlite;
using SharedChannels.Identity;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// Answers the SDK's permission checks (<see cref="IPermissionChecker"/>): local, active users with <c>is_admin</c> hold
/// both permissions (managing secure connections and shared channels), as system admins do in Mattermost.
/// </summary>
/// <param name="database">The chat database.</param>
public sealed class SqlitePermissionChecker(ChatDatabase database) : IPermissionChecker
{
    /// <inheritdoc />
    public async ValueTask<bool> HasPermissionAsync(string userId, SharedChannelsPermission permission, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await db.ScalarAsync(
            "SELECT 1 FROM users WHERE id = $id AND is_admin = 1 AND remote_id IS NULL AND delete_at IS NULL;",
            cancellationToken,
            ("$id", userId)) is not null;
    }
}
