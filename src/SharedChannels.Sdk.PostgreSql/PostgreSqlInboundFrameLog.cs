using Npgsql;
using NpgsqlTypes;
using SharedChannels.Coordination;
using SharedChannels.PostgreSql.Internal;

namespace SharedChannels.PostgreSql;

/// <summary>
/// An <see cref="IInboundFrameLog"/> in a PostgreSQL database: frames answered OK (<c>inbound_frames</c>, with their
/// answers) and request signatures seen (<c>inbound_signatures</c>), shared by every node of the workspace. Retention is
/// counted on the database's clock (<c>now()</c>). Safe for concurrent use across threads and processes.
/// </summary>
public sealed class PostgreSqlInboundFrameLog : IInboundFrameLog
{
    private const string SelectSql =
        "SELECT answer FROM {schema}.inbound_frames WHERE remote_id = @remote_id AND message_id = @message_id AND expires_at > now();";

    private const string RecordSql =
        "INSERT INTO {schema}.inbound_frames (remote_id, message_id, answer, expires_at) VALUES (@remote_id, @message_id, @answer, now() + @retention) " +
        "ON CONFLICT (remote_id, message_id) DO UPDATE SET answer = excluded.answer, expires_at = excluded.expires_at;";

    // An entry past its retention but not yet swept is not a replay: it is taken over.
    private const string SignatureSql =
        "INSERT INTO {schema}.inbound_signatures AS s (remote_id, signature, expires_at) VALUES (@remote_id, @signature, now() + @retention) " +
        "ON CONFLICT (remote_id, signature) DO UPDATE SET expires_at = excluded.expires_at WHERE s.expires_at <= now();";

    private const string SweepSql = """
        WITH frames AS (DELETE FROM {schema}.inbound_frames WHERE expires_at <= now() RETURNING 1),
             signatures AS (DELETE FROM {schema}.inbound_signatures WHERE expires_at <= now() RETURNING 1)
        SELECT (SELECT COUNT(*) FROM frames) + (SELECT COUNT(*) FROM signatures);
        """;

    private readonly PostgreSqlStorage _storage;
    private readonly string _selectSql;
    private readonly string _recordSql;
    private readonly string _signatureSql;
    private readonly string _sweepSql;

    /// <summary>Creates a frame log over <paramref name="storage"/>.</summary>
    /// <param name="storage">The database and schema, shared by every node of the workspace.</param>
    public PostgreSqlInboundFrameLog(PostgreSqlStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _selectSql = storage.Sql(SelectSql);
        _recordSql = storage.Sql(RecordSql);
        _signatureSql = storage.Sql(SignatureSql);
        _sweepSql = storage.Sql(SweepSql);
    }

    /// <inheritdoc />
    public Task<ReadOnlyMemory<byte>?> GetAnswerAsync(string remoteId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        ArgumentNullException.ThrowIfNull(messageId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _selectSql;
                command.BindText("remote_id", remoteId).BindText("message_id", messageId);
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is byte[] answer ? new ReadOnlyMemory<byte>(answer) : (ReadOnlyMemory<byte>?)null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordAnswerAsync(string remoteId, string messageId, ReadOnlyMemory<byte> answer, TimeSpan retention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        ArgumentNullException.ThrowIfNull(messageId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _recordSql;
                command.BindText("remote_id", remoteId)
                    .BindText("message_id", messageId)
                    .Bind("answer", NpgsqlDbType.Bytea, answer.ToArray())
                    .Bind("retention", NpgsqlDbType.Interval, retention);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryRecordSignatureAsync(string remoteId, string signature, TimeSpan retention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        ArgumentNullException.ThrowIfNull(signature);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _signatureSql;
                command.BindText("remote_id", remoteId).BindText("signature", signature).Bind("retention", NpgsqlDbType.Interval, retention);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> RemoveExpiredAsync(CancellationToken cancellationToken = default) =>
        _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = _sweepSql;
                return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            },
            cancellationToken);
}
