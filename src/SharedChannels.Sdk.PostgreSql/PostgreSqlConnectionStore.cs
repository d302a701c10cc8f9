using Npgsql;
using SharedChannels.PostgreSql.Internal;
using SharedChannels.Storage;

namespace SharedChannels.PostgreSql;

/// <summary>
/// An <see cref="IConnectionStore"/> in a PostgreSQL database: connections survive restarts and are shared by every
/// process over the same schema. Safe for concurrent use.
/// </summary>
/// <remarks>
/// Times are kept to the microsecond. Connection names are unique among connections that are not deleted, enforced
/// by a partial unique index, so the rule holds across processes too. Tokens are stored as they are (they are needed
/// to authenticate the peer) and never logged.
/// </remarks>
public sealed class PostgreSqlConnectionStore : IConnectionStore
{
    private const string Columns =
        "remote_id, name, display_name, site_url, default_team_id, creator_id, created_at, invitation_generated_at, " +
        "is_inviter, invitation_accepted, last_ping_at, deleted_at, token, remote_token, peer_supports_signed_frames";

    private const string Values =
        "@remote_id, @name, @display_name, @site_url, @default_team_id, @creator_id, @created_at, @invitation_generated_at, " +
        "@is_inviter, @invitation_accepted, @last_ping_at, @deleted_at, @token, @remote_token, @peer_supports_signed_frames";

    // One statement. NOT EXISTS refuses a name held by a stored connection that is not deleted (whatever the
    // newcomer's state). DO NOTHING without a conflict target covers the primary key and the live-name index: two
    // processes adding the same id or live name at once do not both see "not there yet" and both insert, because the
    // second waits on the first's index entry and then does nothing.
    private const string InsertSql =
        "INSERT INTO {schema}.connections (" + Columns + ") SELECT " + Values + " " +
        "WHERE NOT EXISTS (SELECT 1 FROM {schema}.connections WHERE name = @name AND deleted_at IS NULL) " +
        "ON CONFLICT DO NOTHING;";

    private const string SelectOneSql = "SELECT " + Columns + " FROM {schema}.connections WHERE remote_id = @remote_id;";

    private const string SelectAllSql = "SELECT " + Columns + " FROM {schema}.connections ORDER BY created_at, remote_id;";

    private const string UpdateSql =
        "UPDATE {schema}.connections SET name = @name, display_name = @display_name, site_url = @site_url, " +
        "default_team_id = @default_team_id, creator_id = @creator_id, created_at = @created_at, " +
        "invitation_generated_at = @invitation_generated_at, is_inviter = @is_inviter, " +
        "invitation_accepted = @invitation_accepted, last_ping_at = @last_ping_at, deleted_at = @deleted_at, " +
        "token = @token, remote_token = @remote_token, peer_supports_signed_frames = @peer_supports_signed_frames " +
        "WHERE remote_id = @remote_id;";

    private const string SetLastPingSql = "UPDATE {schema}.connections SET last_ping_at = @last_ping_at WHERE remote_id = @remote_id;";

    private const string DeleteSql = "DELETE FROM {schema}.connections WHERE remote_id = @remote_id;";

    private readonly PostgreSqlStorage _storage;
    private readonly string _insertSql;
    private readonly string _selectOneSql;
    private readonly string _selectAllSql;
    private readonly string _updateSql;
    private readonly string _setLastPingSql;
    private readonly string _deleteSql;

    /// <summary>Creates a connection store over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database and schema, usually shared with the other PostgreSQL stores.</param>
    public PostgreSqlConnectionStore(PostgreSqlStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _insertSql = storage.Sql(InsertSql);
        _selectOneSql = storage.Sql(SelectOneSql);
        _selectAllSql = storage.Sql(SelectAllSql);
        _updateSql = storage.Sql(UpdateSql);
        _setLastPingSql = storage.Sql(SetLastPingSql);
        _deleteSql = storage.Sql(DeleteSql);
    }

    /// <inheritdoc />
    public Task<bool> TryAddAsync(ConnectionRecord connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _insertSql;
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
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _selectOneSql;
                command.BindText("remote_id", remoteId);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConnectionRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        _storage.ExecuteAsync<IReadOnlyList<ConnectionRecord>>(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _selectAllSql;
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var connections = new List<ConnectionRecord>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        connections.Add(Read(reader));
                    }

                    return connections;
                }
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
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _updateSql;
                BindAll(command, connection);
                try
                {
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
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
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _setLastPingSql;
                command.BindText("remote_id", remoteId).BindTime("last_ping_at", pingedAt);
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
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _deleteSql;
                command.BindText("remote_id", remoteId);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    private static void BindAll(NpgsqlCommand command, ConnectionRecord connection) =>
        command.BindText("remote_id", connection.RemoteId)
            .BindText("name", connection.Name)
            .BindText("display_name", connection.DisplayName)
            .BindText("site_url", connection.SiteUrl)
            .BindText("default_team_id", connection.DefaultTeamId)
            .BindText("creator_id", connection.CreatorId)
            .BindTime("created_at", connection.CreatedAt)
            .BindTime("invitation_generated_at", connection.InvitationGeneratedAt)
            .BindBoolean("is_inviter", connection.IsInviter)
            .BindBoolean("invitation_accepted", connection.InvitationAccepted)
            .BindTime("last_ping_at", connection.LastPingAt)
            .BindTime("deleted_at", connection.DeletedAt)
            .BindText("token", connection.Token)
            .BindText("remote_token", connection.RemoteToken)
            .BindBoolean("peer_supports_signed_frames", connection.PeerSupportsSignedFrames);

    private static ConnectionRecord Read(NpgsqlDataReader reader) => new()
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
