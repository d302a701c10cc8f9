using Microsoft.Data.Sqlite;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// Keeps the SQL code short: run a statement or a query with named parameters (<see langword="null"/> becomes SQL NULL,
/// times become Unix milliseconds, booleans 0 or 1), in the connection's current transaction if any. On the connection
/// of peers' messages (<see cref="PeerWriterConnection"/>) the commands are kept, prepared, for the next message.
/// </summary>
internal static class SqliteExtensions
{
    public static async Task<int> ExecuteAsync(this SqliteConnection db, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = Create(db, sql, parameters);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            Release(db, command);
        }
    }

    public static async Task<object?> ScalarAsync(this SqliteConnection db, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = Create(db, sql, parameters);
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken);
        }
        finally
        {
            Release(db, command);
        }
    }

    public static async Task<List<T>> QueryAsync<T>(this SqliteConnection db, string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = Create(db, sql, parameters);
        try
        {
            using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            Release(db, command);
        }
    }

    /// <summary>Reads rows one at a time while <paramref name="take"/> accepts them; stops at the first it refuses.</summary>
    public static async Task ReadWhileAsync<T>(this SqliteConnection db, string sql, Func<SqliteDataReader, T> read, Func<T, bool> take, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = Create(db, sql, parameters);
        try
        {
            using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken) && take(read(reader)))
            {
            }
        }
        finally
        {
            Release(db, command);
        }
    }

    public static async Task<T?> QuerySingleAsync<T>(this SqliteConnection db, string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        where T : class =>
        (await db.QueryAsync(sql, read, cancellationToken, parameters)).SingleOrDefault();

    public static DateTimeOffset GetTime(this SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static DateTimeOffset? GetOptionalTime(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetTime(ordinal);

    public static string? GetOptionalString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static SqliteCommand Create(SqliteConnection db, string sql, (string Name, object? Value)[] parameters)
    {
        SqliteCommand command;
        if (db is PeerWriterConnection writer)
        {
            command = writer.Statement(sql);
        }
        else
        {
            command = db.CreateCommand();
            command.CommandText = sql;
        }

        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value switch
            {
                null => DBNull.Value,
                DateTimeOffset time => time.ToUnixTimeMilliseconds(),
                bool flag => flag ? 1 : 0,
                _ => value,
            });
        }

        return command;
    }

    // Commands of the peers' connection stay prepared for the next use; the others are done with.
    private static void Release(SqliteConnection db, SqliteCommand command)
    {
        if (db is not PeerWriterConnection)
        {
            command.Dispose();
        }
    }
}
