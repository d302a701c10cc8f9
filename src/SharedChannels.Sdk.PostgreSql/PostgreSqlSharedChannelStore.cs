using Npgsql;
using NpgsqlTypes;
using SharedChannels.Content;
using SharedChannels.PostgreSql.Internal;
using SharedChannels.Storage;

namespace SharedChannels.PostgreSql;

/// <summary>
/// An <see cref="ISharedChannelStore"/> in a PostgreSQL database: shared channels and their remotes survive restarts
/// and are shared by every process over the same schema. Safe for concurrent use. Times are kept to the microsecond.
/// </summary>
public sealed class PostgreSqlSharedChannelStore : ISharedChannelStore
{
    private const string ChannelColumns = "channel_id, team_id, name, display_name, type, home_connection_id, read_only, creator_id, created_at";

    private const string SelectChannelSql = "SELECT " + ChannelColumns + " FROM {schema}.shared_channels WHERE channel_id = @channel_id;";

    private const string SelectChannelsSql = "SELECT " + ChannelColumns + " FROM {schema}.shared_channels ORDER BY created_at, channel_id;";

    private const string UpsertChannelSql =
        "INSERT INTO {schema}.shared_channels (" + ChannelColumns + ") " +
        "VALUES (@channel_id, @team_id, @name, @display_name, @type, @home_connection_id, @read_only, @creator_id, @created_at) " +
        "ON CONFLICT (channel_id) DO UPDATE SET team_id = excluded.team_id, name = excluded.name, " +
        "display_name = excluded.display_name, type = excluded.type, home_connection_id = excluded.home_connection_id, " +
        "read_only = excluded.read_only, creator_id = excluded.creator_id, created_at = excluded.created_at;";

    // One statement, so the channel and its remotes go together: both deletes see the same snapshot and commit at once.
    private const string DeleteChannelSql =
        "WITH remotes AS (DELETE FROM {schema}.shared_channel_remotes WHERE channel_id = @channel_id) " +
        "DELETE FROM {schema}.shared_channels WHERE channel_id = @channel_id;";

    private const string RemoteColumns = "channel_id, connection_id, read_only, invitation_accepted, creator_id, created_at";

    private const string SelectRemoteSql =
        "SELECT " + RemoteColumns + " FROM {schema}.shared_channel_remotes WHERE channel_id = @channel_id AND connection_id = @connection_id;";

    private const string SelectRemotesOfChannelSql =
        "SELECT " + RemoteColumns + " FROM {schema}.shared_channel_remotes WHERE channel_id = @channel_id ORDER BY created_at, connection_id;";

    private const string SelectRemotesOfConnectionSql =
        "SELECT " + RemoteColumns + " FROM {schema}.shared_channel_remotes WHERE connection_id = @connection_id ORDER BY created_at, channel_id;";

    private const string UpsertRemoteSql =
        "INSERT INTO {schema}.shared_channel_remotes (" + RemoteColumns + ") " +
        "VALUES (@channel_id, @connection_id, @read_only, @invitation_accepted, @creator_id, @created_at) " +
        "ON CONFLICT (channel_id, connection_id) DO UPDATE SET read_only = excluded.read_only, " +
        "invitation_accepted = excluded.invitation_accepted, creator_id = excluded.creator_id, created_at = excluded.created_at;";

    private const string DeleteRemoteSql = "DELETE FROM {schema}.shared_channel_remotes WHERE channel_id = @channel_id AND connection_id = @connection_id;";

    private readonly PostgreSqlStorage _storage;
    private readonly string _selectChannelSql;
    private readonly string _selectChannelsSql;
    private readonly string _upsertChannelSql;
    private readonly string _deleteChannelSql;
    private readonly string _selectRemoteSql;
    private readonly string _selectRemotesOfChannelSql;
    private readonly string _selectRemotesOfConnectionSql;
    private readonly string _upsertRemoteSql;
    private readonly string _deleteRemoteSql;

    /// <summary>Creates a shared channel store over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database and schema, usually shared with the other PostgreSQL stores.</param>
    public PostgreSqlSharedChannelStore(PostgreSqlStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _selectChannelSql = storage.Sql(SelectChannelSql);
        _selectChannelsSql = storage.Sql(SelectChannelsSql);
        _upsertChannelSql = storage.Sql(UpsertChannelSql);
        _deleteChannelSql = storage.Sql(DeleteChannelSql);
        _selectRemoteSql = storage.Sql(SelectRemoteSql);
        _selectRemotesOfChannelSql = storage.Sql(SelectRemotesOfChannelSql);
        _selectRemotesOfConnectionSql = storage.Sql(SelectRemotesOfConnectionSql);
        _upsertRemoteSql = storage.Sql(UpsertRemoteSql);
        _deleteRemoteSql = storage.Sql(DeleteRemoteSql);
    }

    /// <inheritdoc />
    public Task<SharedChannel?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _selectChannelSql;
                command.BindText("channel_id", channelId);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadChannel(reader) : null;
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannel>> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        _storage.ExecuteAsync<IReadOnlyList<SharedChannel>>(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _selectChannelsSql;
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var channels = new List<SharedChannel>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        channels.Add(ReadChannel(reader));
                    }

                    return channels;
                }
            },
            cancellationToken);

    /// <inheritdoc />
    public Task UpsertChannelAsync(SharedChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _upsertChannelSql;
                command.BindText("channel_id", channel.ChannelId)
                    .BindText("team_id", channel.TeamId)
                    .BindText("name", channel.Name)
                    .BindText("display_name", channel.DisplayName)
                    .Bind("type", NpgsqlDbType.Integer, (int)channel.Type)
                    .BindText("home_connection_id", channel.HomeConnectionId)
                    .BindBoolean("read_only", channel.ReadOnly)
                    .BindText("creator_id", channel.CreatorId)
                    .BindTime("created_at", channel.CreatedAt);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _deleteChannelSql;
                command.BindText("channel_id", channelId);

                // The affected-row count is the outer DELETE's: the channel itself.
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SharedChannelRemote?> GetRemoteAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _selectRemoteSql;
                command.BindText("channel_id", channelId).BindText("connection_id", connectionId);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadRemote(reader) : null;
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannelRemote>> ListRemotesAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        return ListRemotesAsync(_selectRemotesOfChannelSql, "channel_id", channelId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannelRemote>> ListRemotesByConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return ListRemotesAsync(_selectRemotesOfConnectionSql, "connection_id", connectionId, cancellationToken);
    }

    /// <inheritdoc />
    public Task UpsertRemoteAsync(SharedChannelRemote remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _upsertRemoteSql;
                command.BindText("channel_id", remote.ChannelId)
                    .BindText("connection_id", remote.ConnectionId)
                    .BindBoolean("read_only", remote.ReadOnly)
                    .BindBoolean("invitation_accepted", remote.InvitationAccepted)
                    .BindText("creator_id", remote.CreatorId)
                    .BindTime("created_at", remote.CreatedAt);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveRemoteAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _deleteRemoteSql;
                command.BindText("channel_id", channelId).BindText("connection_id", connectionId);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    private Task<IReadOnlyList<SharedChannelRemote>> ListRemotesAsync(string sql, string parameter, string value, CancellationToken cancellationToken) =>
        _storage.ExecuteAsync<IReadOnlyList<SharedChannelRemote>>(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = sql;
                command.BindText(parameter, value);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var remotes = new List<SharedChannelRemote>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        remotes.Add(ReadRemote(reader));
                    }

                    return remotes;
                }
            },
            cancellationToken);

    private static SharedChannel ReadChannel(NpgsqlDataReader reader) => new()
    {
        ChannelId = reader.GetString(0),
        TeamId = reader.GetString(1),
        Name = reader.GetString(2),
        DisplayName = reader.GetString(3),
        Type = (ChannelType)reader.GetInt32(4),
        HomeConnectionId = reader.GetNullableString(5),
        ReadOnly = reader.GetBoolean(6),
        CreatorId = reader.GetString(7),
        CreatedAt = reader.GetTime(8),
    };

    private static SharedChannelRemote ReadRemote(NpgsqlDataReader reader) => new()
    {
        ChannelId = reader.GetString(0),
        ConnectionId = reader.GetString(1),
        ReadOnly = reader.GetBoolean(2),
        InvitationAccepted = reader.GetBoolean(3),
        CreatorId = reader.GetString(4),
        CreatedAt = reader.GetTime(5),
    };
}
