using Npgsql;
using NpgsqlTypes;
using SharedChannels.Coordination;
using SharedChannels.PostgreSql.Internal;

namespace SharedChannels.PostgreSql;

/// <summary>
/// An <see cref="IConnectionLeaseStore"/> in a PostgreSQL database: one row per connection in <c>connection_leases</c>,
/// naming the node that holds it, the lease's epoch and when it expires. Expiry is measured on the database's clock
/// (<c>now()</c>), never on the nodes' clocks, so nodes whose clocks disagree still agree on who holds a lease. Each
/// operation is one statement, atomic under concurrent callers. Safe for concurrent use across threads and processes.
/// </summary>
public sealed class PostgreSqlConnectionLeaseStore : IConnectionLeaseStore
{
    // Taken when free, expired or already ours. The epoch grows whenever the lease changes hands or is taken again after a
    // release or an expiry, so a node that lost it meanwhile cannot renew it with the epoch it knew.
    private const string AcquireSql = """
        INSERT INTO {schema}.connection_leases AS l (connection_id, node_id, epoch, acquired_at, expires_at)
        VALUES (@connection_id, @node_id, 1, now(), now() + @duration)
        ON CONFLICT (connection_id) DO UPDATE SET
            epoch       = CASE WHEN l.node_id = excluded.node_id AND l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,
            acquired_at = CASE WHEN l.node_id = excluded.node_id AND l.expires_at > now() THEN l.acquired_at ELSE now() END,
            node_id     = excluded.node_id,
            expires_at  = excluded.expires_at
        WHERE l.expires_at <= now() OR l.node_id = excluded.node_id
        RETURNING epoch;
        """;

    // Same node and same epoch: nobody took it in between, even if it ran out a moment ago.
    private const string RenewSql =
        "UPDATE {schema}.connection_leases SET expires_at = now() + @duration WHERE connection_id = @connection_id AND node_id = @node_id AND epoch = @epoch;";

    private const string ReleaseSql =
        "UPDATE {schema}.connection_leases SET expires_at = now() WHERE connection_id = @connection_id AND node_id = @node_id AND epoch = @epoch AND expires_at > now();";

    private readonly PostgreSqlStorage _storage;
    private readonly string _acquireSql;
    private readonly string _renewSql;
    private readonly string _releaseSql;

    /// <summary>Creates a lease store over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database and schema, shared by every node of the workspace.</param>
    public PostgreSqlConnectionLeaseStore(PostgreSqlStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _acquireSql = storage.Sql(AcquireSql);
        _renewSql = storage.Sql(RenewSql);
        _releaseSql = storage.Sql(ReleaseSql);
    }

    /// <inheritdoc />
    public Task<ConnectionLease?> TryAcquireAsync(string connectionId, string nodeId, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(nodeId);
        RequirePositive(duration);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _acquireSql;
                command.BindText("connection_id", connectionId).BindText("node_id", nodeId).Bind("duration", NpgsqlDbType.Interval, duration);
                object? epoch = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return epoch is long value ? new ConnectionLease(connectionId, nodeId, value) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(ConnectionLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        RequirePositive(duration);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _renewSql;
                Bind(command, lease).Bind("duration", NpgsqlDbType.Interval, duration);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(ConnectionLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _releaseSql;
                Bind(command, lease);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private static NpgsqlCommand Bind(NpgsqlCommand command, ConnectionLease lease) =>
        command.BindText("connection_id", lease.ConnectionId).BindText("node_id", lease.NodeId).Bind("epoch", NpgsqlDbType.Bigint, lease.Epoch);

    private static void RequirePositive(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease must last longer than zero.");
        }
    }
}
