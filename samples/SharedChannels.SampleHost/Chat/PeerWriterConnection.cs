using Microsoft.Data.Sqlite;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// The connection a <see cref="Ports.SqliteInboundTransaction"/> writes through. It outlives the operations that use it: the
/// ports dispose what <see cref="ChatDatabase.OpenConnectionAsync"/> returns, which for this one does nothing; only
/// <see cref="ChatDatabase"/> closes it. Kept open between messages, it also keeps its prepared statements
/// (<see cref="SqliteExtensions"/>), so the statements a sync message repeats for every post are compiled once.
/// </summary>
internal sealed class PeerWriterConnection(string connectionString) : SqliteConnection(connectionString)
{
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private bool _closing;

    /// <summary>Gets or sets the transaction of the peer's message using the connection now, if any.</summary>
    public SqliteTransaction? CurrentTransaction { get; set; }

    /// <summary>Gets the cached command for <paramref name="sql"/>, without parameters, in the current transaction.</summary>
    public SqliteCommand Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out SqliteCommand? command))
        {
            command = CreateCommand();
            command.CommandText = sql;
            _statements.Add(sql, command);
        }

        command.Parameters.Clear();
        command.Transaction = CurrentTransaction;
        return command;
    }

    /// <summary>Closes the connection for good (the database is being disposed).</summary>
    public void CloseForGood()
    {
        _closing = true;
        foreach (SqliteCommand command in _statements.Values)
        {
            command.Dispose();
        }

        _statements.Clear();
        Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (_closing)
        {
            base.Dispose(disposing);
        }
    }
}
