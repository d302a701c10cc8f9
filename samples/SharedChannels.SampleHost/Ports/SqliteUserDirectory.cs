using Microsoft.Data.Sqlite;
using SharedChannels.Identity;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// The SDK's view of this host's users (<see cref="IUserDirectory"/>). Remote users are stored as "shadow" rows in the
/// same <c>users</c> table, with the owning connection in <c>remote_id</c> and a username the SDK made unique here
/// (<c>john:chat-a</c> when this workspace has its own <c>john</c>).
/// </summary>
/// <param name="database">The chat database.</param>
public sealed class SqliteUserDirectory(ChatDatabase database) : IUserDirectory
{
    /// <inheritdoc />
    public async ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetUserAsync(db, userId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ChatUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.FindUserByUsernameAsync(db, username, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask UpsertRemoteUserAsync(ChatUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        await ChatTables.SaveUserAsync(db, user, isAdmin: false, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ChatUser>> ListLocalUsersAsync(DateTimeOffset updatedAfter, string afterUserId, int maxCount, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.ListLocalUsersAsync(db, updatedAfter, afterUserId, maxCount, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask SetStatusAsync(UserStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        await db.ExecuteAsync(
            """
            INSERT INTO statuses (user_id, status, manual, last_activity_at, dnd_end_time)
            VALUES ($user_id, $status, $manual, $last_activity_at, $dnd_end_time)
            ON CONFLICT (user_id) DO UPDATE SET
                status = excluded.status, manual = excluded.manual, last_activity_at = excluded.last_activity_at, dnd_end_time = excluded.dnd_end_time;
            """,
            cancellationToken,
            ("$user_id", status.UserId), ("$status", status.Status), ("$manual", status.Manual),
            ("$last_activity_at", status.LastActivityAt), ("$dnd_end_time", status.DndEndTime));
    }
}
