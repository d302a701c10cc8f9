using Microsoft.Data.Sqlite;
using SharedChannels.Sqlite.Internal;
using SharedChannels.Storage;

namespace SharedChannels.Sqlite;

/// <summary>
/// An <see cref="IConnectionStore"/> in a SQLite database: connections survive restarts. Safe for concurrent use.
/// </summary>
/// <remarks>
/// Times are kept to the millisecond. Connection names are unique among connections that are not deleted, enforced
/// by a partial unique index, so the rule holds across processes too. Tokens are stored as they are (they are needed
/// to authenticate the peer) and never logged.
/// </remarks>
public sealed class SqliteConnectionStore : IConnectionStore
{
    private const string Columns =
        "remote_id, name, display_name, site_url, default_team_id, creator_id, created_at, invitation_generated_at, " +
        "is_inviter, invitation_accepted, last_ping_at, deleted_at, token, remote_token, peer_supports_signed_frames";

    private const string Values =
        "$remote_id, $name, $display_name, $site_url, $default_team_id, $creator_id, $created_at, $invitation_generated_at, " +
        "$is_inviter, $invitation_accepted, $last_ping_at, $deleted_at, $token, $remote_token, $peer_supports_signed_frames";

    // One statement, so the check and the insert happen under one write lock. NOT EXISTS refuses a name held by a
    // stored connection that is not deleted (whatever the newcomer's state); DO NOTHING, without a conflict target,
    // covers the primary key and the live-name index (the index also guards UpdateAsync and other writers).
    private const string InsertSql =
        "INSERT INTO connections (" + Columns + ") SELECT " + Values + " " +
        "WHERE NOT EXISTS (SELECT 1 FROM connections WHERE name = $name AND deleted_at IS NULL) " +
        "ON CONFLICT DO NOTHING;";

    private const string SelectOneSql = "SELECT " + Columns + " FROM connections WHERE remote_id = $remote_id;";

    private const string SelectAllSql = "SELECT " + Columns + " FROM connections ORDER BY created_at, remote_id;";

    private const string UpdateSql =
        "UPDATE connections SET name = $name, display_name = $display_name, site_url = $site_url, " +
        "default_team_id = $default_team_id, creator_id = $creator_id, created_at = $created_at, " +
        "invitation_generated_at = $invitation_generated_at, is_inviter = $is_inviter, " +
        "invitation_accepted = $invitation_accepted, last_ping_at = $last_ping_at, deleted_at = $deleted_at, " +
        "token = $token, remote_token = $remote_token, peer_supports_signed_frames = $peer_supports_signed_frames " +
        "WHERE remote_id = $remote_id;";

    private const string SetLastPingSql = "UPDATE connections SET last_ping_at = $last_ping_at WHERE remote_id = $remote_id;";

    private const string DeleteSql = "DELETE FROM connections WHERE remote_id = $remote_id;";

    private readonly SqliteStorage _storage;

    /// <summary>Creates a connection store over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database, usually shared with the other SQLite stores.</param>
    public SqliteConnectionStore(SqliteStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
    }

    /// <inheritdoc />
    public Task<bool> TryAddAsync(ConnectionRecord connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = InsertSql;
                BindAll(command, connection);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ConnectionRecord?> GetAsync(string remoteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = SelectOneSql;
                command.Bind("$remote_id", remoteId);
                using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConnectionRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        _storage.ExecuteAsync<IReadOnlyList<ConnectionRecord>>(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = SelectAllSql;
                using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var connections = new List<ConnectionRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    connections.Add(Read(reader));
                }

                return connections;
            },
            cancellationToken);

    /// <inheritdoc />
    /// <exception cref="SharedChannelsException">
    /// With <see cref="SharedChannelsErrorCode.AlreadyExists"/> when the new state would give two connections that are
    /// not deleted the same name (the SDK never renames, so this only guards against misuse).
    /// </exception>
    public Task<bool> UpdateAsync(ConnectionRecord connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = UpdateSql;
                BindAll(command, connection);
                try
                {
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
                }
                catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteErrors.UniqueConstraint)
                {
                    throw new SharedChannelsException(
                        SharedChannelsErrorCode.AlreadyExists,
                        $"Connection {connection.RemoteId} cannot take the name '{connection.Name}': another connection that is not deleted has it.",
                        isTransient: false,
                        ex);
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task SetLastPingAsync(string remoteId, DateTimeOffset pingedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = SetLastPingSql;
                command.Bind("$remote_id", remoteId).Bind("$last_ping_at", UnixMilliseconds.From(pingedAt));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string remoteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = DeleteSql;
                command.Bind("$remote_id", remoteId);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    private static void BindAll(SqliteCommand command, ConnectionRecord connection) =>
        command.Bind("$remote_id", connection.RemoteId)
            .Bind("$name", connection.Name)
            .Bind("$display_name", connection.DisplayName)
            .Bind("$site_url", connection.SiteUrl)
            .Bind("$default_team_id", connection.DefaultTeamId)
            .Bind("$creator_id", connection.CreatorId)
            .Bind("$created_at", UnixMilliseconds.From(connection.CreatedAt))
            .Bind("$invitation_generated_at", UnixMilliseconds.From(connection.InvitationGeneratedAt))
            .Bind("$is_inviter", connection.IsInviter)
            .Bind("$invitation_accepted", connection.InvitationAccepted)
            .Bind("$last_ping_at", UnixMilliseconds.From(connection.LastPingAt))
            .Bind("$deleted_at", UnixMilliseconds.From(connection.DeletedAt))
            .Bind("$token", connection.Token)
            .Bind("$remote_token", connection.RemoteToken)
            .Bind("$peer_supports_signed_frames", connection.PeerSupportsSignedFrames);

    private static ConnectionRecord Read(SqliteDataReader reader) => new()
    {
        RemoteId = reader.GetString(0),
        Name = reader.GetString(1),
        DisplayName = reader.GetString(2),
        SiteUrl = reader.GetNullableString(3),
        DefaultTeamId = reader.GetString(4),
        CreatorId = reader.GetString(5),
        CreatedAt = reader.GetTime(6),
        InvitationGeneratedAt = reader.GetTime(7),
        IsInviter = reader.GetBoolean(8),
        InvitationAccepted = reader.GetBoolean(9),
        LastPingAt = reader.GetNullableTime(10),
        DeletedAt = reader.GetNullableTime(11),
        Token = reader.GetString(12),
        RemoteToken = reader.GetNullableString(13),
        PeerSupportsSignedFrames = reader.GetBoolean(14),
    };
}
