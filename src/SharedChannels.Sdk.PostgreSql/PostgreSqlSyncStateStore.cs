using Npgsql;
using SharedChannels.PostgreSql.Internal;
using SharedChannels.Storage;

namespace SharedChannels.PostgreSql;

/// <summary>
/// An <see cref="ISyncStateStore"/> in a PostgreSQL database: acknowledged sync cursors survive restarts and are
/// shared by every process over the same schema, so outbound sync resumes where the peer last confirmed, on whichever
/// node runs it. Safe for concurrent use. <see cref="SyncCursor.SyncedAt"/> is kept to the microsecond.
/// </summary>
public sealed class PostgreSqlSyncStateStore : ISyncStateStore
{
    private const string SelectSql =
        "SELECT channel_id, connection_id, cursor, synced_at FROM {schema}.sync_cursors WHERE channel_id = @channel_id AND connection_id = @connection_id;";

    private const string UpsertSql =
        "INSERT INTO {schema}.sync_cursors (channel_id, connection_id, cursor, synced_at) VALUES (@channel_id, @connection_id, @cursor, @synced_at) " +
        "ON CONFLICT (channel_id, connection_id) DO UPDATE SET cursor = excluded.cursor, synced_at = excluded.synced_at;";

    private const string DeleteSql = "DELETE FROM {schema}.sync_cursors WHERE channel_id = @channel_id AND connection_id = @connection_id;";

    private readonly PostgreSqlStorage _storage;
    private readonly string _selectSql;
    private readonly string _upsertSql;
    private readonly string _deleteSql;

    /// <summary>Creates a sync state store over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database and schema, usually shared with the other PostgreSQL stores.</param>
    public PostgreSqlSyncStateStore(PostgreSqlStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _selectSql = storage.Sql(SelectSql);
        _upsertSql = storage.Sql(UpsertSql);
        _deleteSql = storage.Sql(DeleteSql);
    }

    /// <inheritdoc />
    public Task<SyncCursor?> GetCursorAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _selectSql;
                command.BindText("channel_id", channelId).BindText("connection_id", connectionId);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false)
                        ? new SyncCursor(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3))
                        : null;
                }
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
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _upsertSql;
                command.BindText("channel_id", cursor.ChannelId)
                    .BindText("connection_id", cursor.ConnectionId)
                    .BindText("cursor", cursor.Cursor)
                    .BindTime("synced_at", cursor.SyncedAt);
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
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _deleteSql;
                command.BindText("channel_id", channelId).BindText("connection_id", connectionId);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }
}
