using Microsoft.Data.Sqlite;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// Checkpoints the chat database's write-ahead log in the background every 200 ms (the connections have
/// <c>wal_autocheckpoint = 0</c>), instead of in whichever commit takes the log past SQLite's 1000 pages. With
/// <c>synchronous = FULL</c>, a checkpoint copies up to 4 MB into the database file and waits for its fsync: one post in
/// a few hundred carried it, the slowest posts of the live scenario, and one sync message in forty.
/// </summary>
/// <remarks>
/// <c>PASSIVE</c> copies what no reader still needs and never waits for the write lock, so writers go on meanwhile. A
/// failed round (the database busy, a disk error) is left to the next one; the log only grows in between.
/// </remarks>
internal sealed class WalCheckpoints : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private WalCheckpoints(ChatDatabase database)
    {
        _loop = Task.Run(() => RunAsync(database, _stopping.Token));
    }

    public static WalCheckpoints Start(ChatDatabase database) => new(database);

    /// <summary>Stops checkpointing, after the round in progress (the database is being closed).</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _loop.Wait();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            // Stopped while waiting for the next round.
        }

        _stopping.Dispose();
    }

    private static async Task RunAsync(ChatDatabase database, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            try
            {
                await using SqliteConnection db = await database.OpenConnectionAsync(stopping);
                using SqliteCommand checkpoint = db.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                await checkpoint.ExecuteNonQueryAsync(stopping);
            }
            catch (SqliteException)
            {
                // Left to the next round.
            }
        }
    }
}
