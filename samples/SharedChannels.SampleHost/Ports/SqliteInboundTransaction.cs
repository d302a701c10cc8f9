using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// The SDK's receiver seam (<see cref="IInboundTransactionFactory"/>): everything one peer's message writes to the chat
/// database is one SQLite transaction, which the SDK commits before it answers the peer. The peer never hears OK for
/// something that is not stored, a message is stored whole or not at all, and a message of 50 posts costs one commit
/// (one fsync) instead of 50.
/// </summary>
/// <param name="database">The chat database.</param>
/// <param name="blobs">Where profile images are (for the transaction's <see cref="IUserDirectory"/>).</param>
/// <param name="timeProvider">The clock.</param>
public sealed class SqliteInboundTransactions(ChatDatabase database, SampleBlobs blobs, TimeProvider timeProvider) : IInboundTransactionFactory
{
    /// <summary>
    /// Gets 8: the messages of one peer that arrive while a transaction is being written share the next one, up to 8
    /// (group commit). An SDK peer keeps up to 4 requests in flight by default, so all of them can share a commit instead
    /// of waiting for the writer one behind the other (benchmarks/SCENARIOS.md has what that measured).
    /// </summary>
    public int MaxMessagesPerTransaction => 8;

    /// <inheritdoc />
    public ValueTask<IInboundTransaction> BeginTransactionAsync(InboundTransactionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Nothing is opened until a port uses the database: a message refused whole never takes the write lock.
        return ValueTask.FromResult<IInboundTransaction>(new SqliteInboundTransaction(database, context, blobs, timeProvider));
    }
}

/// <summary>
/// One peer message's transaction (see <see cref="SqliteInboundTransactions"/>). Its ports write through one
/// long-lived connection (<see cref="PeerWriterConnection"/>, which keeps its prepared statements between messages),
/// holding the database's writer gate from the first use until the transaction ends.
/// </summary>
public sealed class SqliteInboundTransaction : IInboundTransaction, IChatConnections
{
    private readonly ChatDatabase _database;
    private PeerWriterConnection? _connection;
    private SqliteTransaction? _transaction;

    internal SqliteInboundTransaction(ChatDatabase database, InboundTransactionContext context, SampleBlobs blobs, TimeProvider timeProvider)
    {
        _database = database;
        Content = new SqliteChannelContent(this, context);
        Users = new SqliteUserDirectory(this, blobs, timeProvider);
    }

    /// <inheritdoc />
    public IChannelContent Content { get; }

    /// <inheritdoc />
    public IUserDirectory Users { get; }

    /// <inheritdoc />
    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_transaction is not null)
        {
            await _transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Ends the transaction: what was not committed is rolled back, and the connection goes back to the database.</summary>
    /// <returns>A task that completes when the transaction has ended.</returns>
    public ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            try
            {
                // Rolls back what was not committed (nothing, if SQLite already rolled back after a full disk or an I/O error).
                _transaction?.Dispose();
            }
            finally
            {
                // Even if the rollback failed: a writer gate never released would stop every later write.
                _transaction = null;
                _connection.CurrentTransaction = null;
                _connection = null;
                _database.ReleaseWriter();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    Task<SqliteConnection> IChatConnections.OpenConnectionAsync(CancellationToken cancellationToken) => EnterAsync(cancellationToken);

    /// <inheritdoc />
    Task<SqliteConnection> IChatConnections.OpenForWriteAsync(CancellationToken cancellationToken) => EnterAsync(cancellationToken);

    // The first use takes the database's write lock (BEGIN IMMEDIATE); reads see what the transaction wrote.
    private async Task<SqliteConnection> EnterAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            PeerWriterConnection connection = await _database.AcquireWriterAsync(cancellationToken);
            try
            {
                _transaction = connection.BeginTransaction(deferred: false);
            }
            catch
            {
                _database.ReleaseWriter();
                throw;
            }

            connection.CurrentTransaction = _transaction;
            _connection = connection;
        }

        return _connection;
    }
}
