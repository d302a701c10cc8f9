using Microsoft.Data.Sqlite;
using SharedChannels.Identity;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// The SDK's view of this host's users (<see cref="IUserDirectory"/>). Remote users are stored as "shadow" rows in the
/// same <c>users</c> table, with the owning connection in <c>remote_id</c> and a username the SDK made unique here
/// (<c>john:chat-a</c> when this workspace has its own <c>john</c>).
/// </summary>
/// <para>
/// Profile images are kept in the data folder's <c>images/</c> under generated names; a user's
/// <see cref="ChatUser.LastPictureUpdate"/> is when its image was last set, which tells the SDK to send a local user's
/// new image to peers.
/// </para>
public sealed class SqliteUserDirectory : IUserDirectory
{
    private readonly IChatConnections _database;
    private readonly BlobStore _images;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="SqliteUserDirectory"/> class over pooled connections.</summary>
    /// <param name="database">The chat database.</param>
    /// <param name="blobs">Where the image bytes are.</param>
    /// <param name="timeProvider">The clock.</param>
    public SqliteUserDirectory(ChatDatabase database, SampleBlobs blobs, TimeProvider timeProvider)
        : this((IChatConnections)database, blobs, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SqliteUserDirectory"/> class writing in a peer message's transaction.</summary>
    internal SqliteUserDirectory(IChatConnections database, SampleBlobs blobs, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        _database = database;
        _images = blobs.Images;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public async ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetUserAsync(db, userId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ChatUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.FindUserByUsernameAsync(db, username, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask UpsertRemoteUserAsync(ChatUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using SqliteConnection db = await _database.OpenForWriteAsync(cancellationToken);
        await ChatTables.SaveUserAsync(db, user, isAdmin: false, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ChatUser>> ListLocalUsersAsync(DateTimeOffset updatedAfter, string afterUserId, int maxCount, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.ListLocalUsersAsync(db, updatedAfter, afterUserId, maxCount, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask SetStatusAsync(UserStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        await using SqliteConnection db = await _database.OpenForWriteAsync(cancellationToken);
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

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> GetProfileImageAsync(string userId, CancellationToken cancellationToken = default)
    {
        string? storageName;
        await using (SqliteConnection db = await _database.OpenConnectionAsync(cancellationToken))
        {
            storageName = await ChatTables.GetProfileImageStorageNameAsync(db, userId, cancellationToken);
        }

        return storageName is null ? null : await _images.ReadAsync(storageName, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetProfileImageAsync(string userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        await SetImageAsync(userId, image, cancellationToken);
        return true;
    }

    /// <summary>Stores a user's profile image (local or remote) and records when it changed.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="image">The image bytes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the image is stored.</returns>
    internal async Task SetImageAsync(string userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        string storageName = await _images.SaveAsync(image, cancellationToken);
        string? previous;
        await using (SqliteConnection db = await _database.OpenForWriteAsync(cancellationToken))
        {
            DateTimeOffset now = DateTimeOffset.FromUnixTimeMilliseconds(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            previous = await ChatTables.SetProfileImageAsync(db, userId, storageName, now, cancellationToken);
        }

        if (previous is not null)
        {
            _images.Delete(previous);
        }
    }
}
