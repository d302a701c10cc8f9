using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Sqlite.Internal;
using SharedChannels.Storage;

namespace SharedChannels.Sqlite;

/// <summary>
/// An <see cref="ISharedChannelStore"/> in a SQLite database: shared channels and their remotes survive restarts.
/// Safe for concurrent use. Times are kept to the millisecond.
/// </summary>
public sealed class SqliteSharedChannelStore : ISharedChannelStore
{
    private const string ChannelColumns = "channel_id, team_id, name, display_name, type, home_connection_id, read_only, creator_id, created_at";

    private const string SelectChannelSql = "SELECT " + ChannelColumns + " FROM shared_channels WHERE channel_id = $channel_id;";

    private const string SelectChannelsSql = "SELECT " + ChannelColumns + " FROM shared_channels ORDER BY created_at, channel_id;";

    private const string UpsertChannelSql =
        "INSERT INTO shared_channels (" + ChannelColumns + ") " +
        "VALUES ($channel_id, $team_id, $name, $display_name, $type, $home_connection_id, $read_only, $creator_id, $created_at) " +
        "ON CONFLICT (channel_id) DO UPDATE SET team_id = excluded.team_id, name = excluded.name, " +
        "display_name = excluded.display_name, type = excluded.type, home_connection_id = excluded.home_connection_id, " +
        "read_only = excluded.read_only, creator_id = excluded.creator_id, created_at = excluded.created_at;";

    private const string DeleteChannelRemotesSql = "DELETE FROM shared_channel_remotes WHERE channel_id = $channel_id;";

    private const string DeleteChannelSql = "DELETE FROM shared_channels WHERE channel_id = $channel_id;";

    private const string RemoteColumns = "channel_id, connection_id, read_only, invitation_accepted, creator_id, created_at";

    private const string SelectRemoteSql =
        "SELECT " + RemoteColumns + " FROM shared_channel_remotes WHERE channel_id = $channel_id AND connection_id = $connection_id;";

    private const string SelectRemotesOfChannelSql =
        "SELECT " + RemoteColumns + " FROM shared_channel_remotes WHERE channel_id = $channel_id ORDER BY created_at, connection_id;";

    private const string SelectRemotesOfConnectionSql =
        "SELECT " + RemoteColumns + " FROM shared_channel_remotes WHERE connection_id = $connection_id ORDER BY created_at, channel_id;";

    private const string UpsertRemoteSql =
        "INSERT INTO shared_channel_remotes (" + RemoteColumns + ") " +
        "VALUES ($channel_id, $connection_id, $read_only, $invitation_accepted, $creator_id, $created_at) " +
        "ON CONFLICT (channel_id, connection_id) DO UPDATE SET read_only = excluded.read_only, " +
        "invitation_accepted = excluded.invitation_accepted, creator_id = excluded.creator_id, created_at = excluded.created_at;";

    private const string DeleteRemoteSql = "DELETE FROM shared_channel_remotes WHERE channel_id = $channel_id AND connection_id = $connection_id;";

    private readonly SqliteStorage _storage;

    /// <summary>Creates a shared channel store over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database, usually shared with the other SQLite stores.</param>
    public SqliteSharedChannelStore(SqliteStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
    }

    /// <inheritdoc />
    public Task<SharedChannel?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = SelectChannelSql;
                command.Bind("$channel_id", channelId);
                using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadChannel(reader) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannel>> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        _storage.ExecuteAsync<IReadOnlyList<SharedChannel>>(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = SelectChannelsSql;
                using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var channels = new List<SharedChannel>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    channels.Add(ReadChannel(reader));
                }

                return channels;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task UpsertChannelAsync(SharedChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = UpsertChannelSql;
                command.Bind("$channel_id", channel.ChannelId)
                    .Bind("$team_id", channel.TeamId)
                    .Bind("$name", channel.Name)
                    .Bind("$display_name", channel.DisplayName)
                    .Bind("$type", (int)channel.Type)
                    .Bind("$home_connection_id", channel.HomeConnectionId)
                    .Bind("$read_only", channel.ReadOnly)
                    .Bind("$creator_id", channel.CreatorId)
                    .Bind("$created_at", UnixMilliseconds.From(channel.CreatedAt));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        return _storage.ExecuteInTransactionAsync(
            async (db, ct) =>
            {
                using (SqliteCommand remotes = db.CreateCommand())
                {
                    remotes.CommandText = DeleteChannelRemotesSql;
                    remotes.Bind("$channel_id", channelId);
                    await remotes.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                using SqliteCommand channel = db.CreateCommand();
                channel.CommandText = DeleteChannelSql;
                channel.Bind("$channel_id", channelId);
                return await channel.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
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
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = SelectRemoteSql;
                command.Bind("$channel_id", channelId).Bind("$connection_id", connectionId);
                using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadRemote(reader) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannelRemote>> ListRemotesAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        return ListRemotesAsync(SelectRemotesOfChannelSql, "$channel_id", channelId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannelRemote>> ListRemotesByConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return ListRemotesAsync(SelectRemotesOfConnectionSql, "$connection_id", connectionId, cancellationToken);
    }

    /// <inheritdoc />
    public Task UpsertRemoteAsync(SharedChannelRemote remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = UpsertRemoteSql;
                command.Bind("$channel_id", remote.ChannelId)
                    .Bind("$connection_id", remote.ConnectionId)
                    .Bind("$read_only", remote.ReadOnly)
                    .Bind("$invitation_accepted", remote.InvitationAccepted)
                    .Bind("$creator_id", remote.CreatorId)
                    .Bind("$created_at", UnixMilliseconds.From(remote.CreatedAt));
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
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = DeleteRemoteSql;
                command.Bind("$channel_id", channelId).Bind("$connection_id", connectionId);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    private Task<IReadOnlyList<SharedChannelRemote>> ListRemotesAsync(string sql, string parameter, string value, CancellationToken cancellationToken) =>
        _storage.ExecuteAsync<IReadOnlyList<SharedChannelRemote>>(
            async (db, ct) =>
            {
                using SqliteCommand command = db.CreateCommand();
                command.CommandText = sql;
                command.Bind(parameter, value);
                using SqliteDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var remotes = new List<SharedChannelRemote>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    remotes.Add(ReadRemote(reader));
                }

                return remotes;
            },
            cancellationToken);

    private static SharedChannel ReadChannel(SqliteDataReader reader) => new()
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

    private static SharedChannelRemote ReadRemote(SqliteDataReader reader) => new()
    {
        ChannelId = reader.GetString(0),
        ConnectionId = reader.GetString(1),
        ReadOnly = reader.GetBoolean(2),
        InvitationAccepted = reader.GetBoolean(3),
        CreatorId = reader.GetString(4),
        CreatedAt = reader.GetTime(5),
    };
}
