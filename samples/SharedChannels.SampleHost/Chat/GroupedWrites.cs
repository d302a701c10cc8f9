using Microsoft.Data.Sqlite;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// Group commit for the chat API's writes: the writes that arrive while one transaction is being written and committed
/// share the next transaction, each inside a savepoint of its own, so that a failing write is rolled back alone and the
/// others are not. Each caller hears back only once the transaction that stored its write is committed (one fsync for
/// the group instead of one per post). With one write at a time this is exactly one transaction per write.
/// </summary>
/// <remarks>
/// SQLite lets one writer in at a time, and with <c>synchronous = FULL</c> each commit waits for the disk, so a chat API
/// that commits each post alone caps at about one post per fsync (measured: 2 000 posts/s queued for seconds). Writes
/// take the database's writer gate like every other writer, through the long-lived writer connection.
/// </remarks>
internal sealed class GroupedWrites(ChatDatabase database)
{
    /// <summary>The most writes one transaction takes; the rest wait for the next.</summary>
    internal const int MaxWritesPerCommit = 128;

    private readonly Lock _lock = new();
    private readonly Queue<IWrite> _queue = new();
    private bool _leading;

    /// <summary>Runs <paramref name="write"/> in the next transaction and returns its result once that is committed.</summary>
    /// <typeparam name="T">The write's result.</typeparam>
    /// <param name="write">The write: statements on the connection it is given, in the transaction; must not begin or commit one itself.</param>
    /// <param name="cancellationToken">Cancels the write while it waits or runs (it is then rolled back alone); once it has run, only the wait (it may still be committed).</param>
    /// <returns>The write's result.</returns>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        var item = new Write<T>(write, cancellationToken);
        bool lead;
        lock (_lock)
        {
            _queue.Enqueue(item);
            lead = !_leading;
            _leading = true;
        }

        if (lead)
        {
            // Not awaited: the leader writes the groups until the queue is empty; this caller waits for its own write.
            _ = LeadAsync();
        }

        return await item.Result.WaitAsync(cancellationToken);
    }

    // Takes the writer, then every write queued by then (up to the maximum), again until none is left: the writes that
    // arrive while the writer is busy, with anything else or with the previous group, form the next group.
    private async Task LeadAsync()
    {
        try
        {
            await LeadGroupsAsync();
        }
        catch (Exception ex)
        {
            // Not expected (every failure is given to its writes), but no write may wait for ever, nor the next leader.
            FailQueued(ex);
        }
    }

    private async Task LeadGroupsAsync()
    {
        while (true)
        {
            PeerWriterConnection db;
            try
            {
                db = await database.AcquireWriterAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                FailQueued(ex);
                return;
            }

            var group = new List<IWrite>();
            try
            {
                lock (_lock)
                {
                    while (group.Count < MaxWritesPerCommit && _queue.TryDequeue(out IWrite? next))
                    {
                        group.Add(next);
                    }

                    if (group.Count == 0)
                    {
                        _leading = false;
                        return;
                    }
                }

                await CommitGroupAsync(db, group);
            }
            finally
            {
                db.CurrentTransaction = null;
                database.ReleaseWriter();
            }
        }
    }

    private static async Task CommitGroupAsync(PeerWriterConnection db, List<IWrite> group)
    {
        var written = new List<IWrite>(group.Count);
        try
        {
            using SqliteTransaction transaction = db.BeginTransaction(deferred: false);
            db.CurrentTransaction = transaction;
            foreach (IWrite write in group)
            {
                if (write.IsCancelled)
                {
                    write.Cancel();
                    continue;
                }

                transaction.Save("grouped_write");
                try
                {
                    await write.RunAsync(db);
                    transaction.Release("grouped_write");
                    written.Add(write);
                }
                catch (Exception ex)
                {
                    write.Fail(ex);
                    RollBackAlone(transaction, ex);
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
            written.ForEach(write => write.Complete());
        }
        catch (Exception ex)
        {
            // Beginning, a rollback to a savepoint or the commit failed: nothing of the group is stored.
            group.ForEach(write => write.Fail(ex));
        }
    }

    // Undoes a failed write alone. SQLite may have rolled back the whole transaction already (a full disk, an I/O error):
    // then the savepoint is gone, and the group fails with the write's own error, which says what happened.
    private static void RollBackAlone(SqliteTransaction transaction, Exception failure)
    {
        try
        {
            transaction.Rollback("grouped_write");
            transaction.Release("grouped_write");
        }
        catch (SqliteException)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    // The writer could not be had (another writer kept it past the timeout): every queued write fails, none waits for ever.
    private void FailQueued(Exception exception)
    {
        var queued = new List<IWrite>();
        lock (_lock)
        {
            queued.AddRange(_queue);
            _queue.Clear();
            _leading = false;
        }

        queued.ForEach(write => write.Fail(exception));
    }

    private interface IWrite
    {
        bool IsCancelled { get; }

        Task RunAsync(SqliteConnection db);

        void Complete();

        void Fail(Exception exception);

        void Cancel();
    }

    private sealed class Write<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken) : IWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Result => _done.Task;

        public bool IsCancelled => cancellationToken.IsCancellationRequested;

        public async Task RunAsync(SqliteConnection db) => _result = await write(db, cancellationToken);

        public void Complete() => _done.TrySetResult(_result!);

        public void Fail(Exception exception) => _done.TrySetException(exception);

        public void Cancel() => _done.TrySetCanceled(cancellationToken);
    }
}
