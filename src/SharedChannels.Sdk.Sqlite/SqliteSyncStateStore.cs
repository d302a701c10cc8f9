using Microsoft.Data.Sqlite;
using SharedChannels.Sqlite.Internal;
using SharedChannels.Storage;

namespace SharedChannels.Sqlite;

/// <summary>
/// An <see cref="ISyncStateStore"/> in a SQLite database: acknowledged sync cursors survive restarts, so outbound sync
/// resumes where the peer last confirmed. Safe for concurrent use. <see cref="SyncCursor.SyncedAt"/> is kept to the millisecond.
/// </summary>
public sealed class SqliteSyncStateStore : ISyncStateStore
{
    private const string SelectSql =
        "SELECT channel_id, connection_id, cursor, synced_at FROM sync_cursors WHERE channel_id = $channel_id AND connection_id = $connection_id;";

    private const string UpsertSql =
        "INSERT INTO sync_cursors (channel_id, connection_id, cursor, synced_at) VALUES ($channel_id, $connection_id, $cursor, $synced_at) " +
        "ON CONFLICT (channel_id, connection_id) DO UPDATE SET cursor = excluded.cursor, synced_at = excluded.synced_at;";

    private const string DeleteSql = "DELETE FROM sync_cursors WHERE channel_id = $channel_id AND connection_id = $connection_id;";

    private readonly SqliteStorage _storage;

    /// <summary>Creates a sync state store over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database, usually shared with the other SQLite stores.</param>
    public SqliteSyncStateStore(SqliteStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
    }

    /// <inheritdoc />
    public Task<SyncCursor?> GetCursorAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = SelectSql;
                command.Bind("$channel_id", channelId).Bind("$connection_id", connectionId);
                using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false)
                    ? new SyncCursor(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3))
                    : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task SetCursorAsync(SyncCursor cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = UpsertSql;
                command.Bind("$channel_id", cursor.ChannelId)
                    .Bind("$connection_id", cursor.ConnectionId)
                    .Bind("$cursor", cursor.Cursor)
                    .Bind("$synced_at", UnixMilliseconds.From(cursor.SyncedAt));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveCursorAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = DeleteSql;
                command.Bind("$channel_id", channelId).Bind("$connection_id", connectionId);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }
}
