using Microsoft.Data.Sqlite;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// One transaction for everything a peer's message writes to the chat database, committed before the SDK's answer
/// leaves (see <c>Api/PeerMessageTransactions</c>). The SDK applies a sync message item by item through the ports; in
/// a transaction of its own, each post cost a commit, which was most of the time a sync took. Now a message of 50
/// posts commits once, and a message is applied whole or not at all.
/// </summary>
/// <remarks>
/// <para>
/// The ports find the transaction through <see cref="ChatDatabase.OpenConnectionAsync"/> and
/// <see cref="ChatDatabase.OpenForWriteAsync"/>, and only for calls made with
/// the request's own cancellation token, which the SDK passes down from its endpoint to every port it calls while
/// handling the message. Work the SDK starts in the background meanwhile (its sync workers, which may be woken by the
/// message) runs with other tokens, so it uses ordinary connections and never reads what is not committed yet. Were
/// the SDK ever to pass another token, the ports would simply commit item by item again, as before.
/// </para>
/// <para>
/// The SDK handles a message's items one after the other, so the shared connection is never used concurrently.
/// </para>
/// </remarks>
internal sealed class PeerMessageTransaction : IAsyncDisposable
{
    private static readonly AsyncLocal<PeerMessageTransaction?> Current = new();

    private readonly ChatDatabase _database;
    private readonly CancellationToken _requestAborted;
    private readonly HashSet<string> _changedChannels = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locallyChangedChannels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _homedHere = new(StringComparer.Ordinal);
    private PeerWriterConnection? _connection;
    private bool _ended;

    private PeerMessageTransaction(ChatDatabase database, CancellationToken requestAborted)
    {
        _database = database;
        _requestAborted = requestAborted;
    }

    /// <summary>Gets the SQLite transaction, once a port has used the database.</summary>
    public SqliteTransaction? Transaction { get; private set; }

    /// <summary>Gets the channels whose change log got rows in this transaction (to wake the SDK once they are committed).</summary>
    public IReadOnlyCollection<string> ChangedChannels => _changedChannels;

    /// <summary>Gets the channels that got changes of this workspace's own (the SDK acting for it, e.g. joining the admin to a channel shared with it).</summary>
    public IReadOnlyCollection<string> LocallyChangedChannels => _locallyChangedChannels;

    /// <summary>Starts the transaction of a peer's request; nothing is opened until a port uses the database.</summary>
    public static PeerMessageTransaction Begin(ChatDatabase database, CancellationToken requestAborted)
    {
        var transaction = new PeerMessageTransaction(database, requestAborted);
        Current.Value = transaction;
        return transaction;
    }

    /// <summary>The transaction an operation on <paramref name="database"/> with <paramref name="cancellationToken"/> belongs to, if any.</summary>
    public static PeerMessageTransaction? Find(ChatDatabase database, CancellationToken cancellationToken) =>
        Current.Value is { _ended: false } transaction && transaction._database == database &&
        cancellationToken.CanBeCanceled && cancellationToken == transaction._requestAborted
            ? transaction
            : null;

    /// <summary>The connection of the transaction; the first call takes the database's write lock (<c>BEGIN IMMEDIATE</c>).</summary>
    public async Task<SqliteConnection> EnterAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            PeerWriterConnection connection = await _database.AcquireWriterAsync(cancellationToken);
            try
            {
                Transaction = connection.BeginTransaction(deferred: false);
            }
            catch
            {
                _database.ReleaseWriter();
                throw;
            }

            connection.Owner = this;
            _connection = connection;
        }

        return _connection;
    }

    /// <summary>Gets whether this message already found out if a channel is homed on this workspace.</summary>
    public bool TryGetHomedHere(string channelId, out bool homedHere) => _homedHere.TryGetValue(channelId, out homedHere);

    /// <summary>Remembers, for the rest of this message, whether a channel is homed on this workspace.</summary>
    public void SetHomedHere(string channelId, bool homedHere) => _homedHere[channelId] = homedHere;

    /// <summary>Records that a channel's change log got a row: an item from the peer, or a change of this workspace's own.</summary>
    public void OnChannelChanged(string channelId, bool fromPeer)
    {
        _changedChannels.Add(channelId);
        if (!fromPeer)
        {
            _locallyChangedChannels.Add(channelId);
        }
    }

    /// <summary>Commits what the ports wrote (nothing to do if they wrote nothing).</summary>
    public async Task CommitAsync()
    {
        if (Transaction is not null)
        {
            await Transaction.CommitAsync(CancellationToken.None);
        }
    }

    /// <summary>Ends the transaction: what was not committed is rolled back, and the connection goes back to the database.</summary>
    public ValueTask DisposeAsync()
    {
        _ended = true;
        if (Current.Value == this)
        {
            Current.Value = null;
        }

        if (_connection is not null)
        {
            try
            {
                // Rolls back what was not committed (nothing, if SQLite already rolled back after a full disk or an I/O error).
                Transaction?.Dispose();
            }
            finally
            {
                // Even if the rollback failed: a writer gate never released would stop every later write.
                Transaction = null;
                _connection.Owner = null;
                _connection = null;
                _database.ReleaseWriter();
            }
        }

        return ValueTask.CompletedTask;
    }
}
