using Microsoft.Data.Sqlite;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Integration.Tests.Storage;

/// <summary>
/// The sample host's group commit for its chat API (<see cref="ChatDatabase.WriteGroupedAsync{T}"/>): writes that arrive
/// while the writer is busy share the next transaction, a failing or cancelled write changes nothing and does not take
/// the others with it, and each caller hears back only after the commit.
/// </summary>
[Category("Integration")]
public sealed class GroupedWritesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private string _root = null!;
    private ChatDatabase _database = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "sharedchannels-grouped-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        _database = ChatDatabase.Open(Path.Combine(_root, "chat.db"));
    }

    [TearDown]
    public void TearDown()
    {
        _database.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task WritesArrivingWhileTheWriterIsBusy_ShareOneTransaction_AndAreAllStored()
    {
        var transactions = new List<SqliteTransaction?>();
        Task<string>[] writes;
        await using (await HoldWriterAsync())
        {
            writes = [.. Enumerable.Range(1, 3).Select(i => _database.WriteGroupedAsync(async (db, ct) =>
            {
                lock (transactions)
                {
                    transactions.Add(((PeerWriterConnection)db).CurrentTransaction);
                }

                await InsertEmojiAsync(db, $"emoji{i}", ct);
                return $"emoji{i}";
            }))];
            Assert.That(writes.Any(w => w.IsCompleted), Is.False, "nothing is answered before its commit");
        }

        string[] results = await Task.WhenAll(writes).WaitAsync(Timeout);

        Assert.That(results, Is.EqualTo(new[] { "emoji1", "emoji2", "emoji3" }));
        Assert.That(transactions.Distinct().Count(), Is.EqualTo(1), "one transaction for the three writes");
        Assert.That(transactions[0], Is.Not.Null);
        Assert.That(await EmojiAsync(), Is.EqualTo(new[] { "emoji1", "emoji2", "emoji3" }));
    }

    [Test]
    public async Task AFailingWrite_IsRolledBackAlone_AndItsCallerGetsTheFailure()
    {
        Task<int> first, failing, last;
        await using (await HoldWriterAsync())
        {
            first = _database.WriteGroupedAsync(async (db, ct) => await InsertEmojiAsync(db, "first", ct));
            failing = _database.WriteGroupedAsync<int>(async (db, ct) =>
            {
                await InsertEmojiAsync(db, "half-written", ct);
                throw new InvalidOperationException("the write fails after its first statement");
            });
            last = _database.WriteGroupedAsync(async (db, ct) => await InsertEmojiAsync(db, "last", ct));
        }

        await Task.WhenAll(first, last).WaitAsync(Timeout);
        InvalidOperationException? failure = Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Timeout));

        Assert.That(failure!.Message, Does.Contain("after its first statement"));
        Assert.That(await EmojiAsync(), Is.EqualTo(new[] { "first", "last" }));
    }

    [Test]
    public async Task AWriteCancelledWhileWaiting_NeverRuns_AndTheOthersAreStored()
    {
        using var cancellation = new CancellationTokenSource();
        bool ran = false;
        Task<int> cancelled, other;
        await using (await HoldWriterAsync())
        {
            cancelled = _database.WriteGroupedAsync(
                async (db, ct) =>
                {
                    ran = true;
                    return await InsertEmojiAsync(db, "cancelled", ct);
                },
                cancellation.Token);
            other = _database.WriteGroupedAsync(async (db, ct) => await InsertEmojiAsync(db, "other", ct));
            await cancellation.CancelAsync();
        }

        Assert.That(async () => await cancelled.WaitAsync(Timeout), Throws.InstanceOf<OperationCanceledException>());
        await other.WaitAsync(Timeout);

        Assert.That(ran, Is.False);
        Assert.That(await EmojiAsync(), Is.EqualTo(new[] { "other" }));
    }

    [Test]
    public async Task WritesOneAfterAnother_EachCommitBeforeTheNextStarts()
    {
        for (int i = 0; i < 3; i++)
        {
            await _database.WriteGroupedAsync(async (db, ct) => await InsertEmojiAsync(db, $"emoji{i}", ct)).WaitAsync(Timeout);
            Assert.That(await EmojiAsync(), Has.Length.EqualTo(i + 1), "visible to other connections once answered");
        }
    }

    // Takes the database's writer gate, so that the writes started meanwhile queue up; disposing lets them in.
    private async Task<IAsyncDisposable> HoldWriterAsync()
    {
        await _database.AcquireWriterAsync(CancellationToken.None);
        return new Release(_database);
    }

    private static Task<int> InsertEmojiAsync(SqliteConnection db, string name, CancellationToken cancellationToken) =>
        db.ExecuteAsync(
            "INSERT INTO custom_emoji (name, creator_id, create_at) VALUES ($name, 'u', 1);",
            cancellationToken,
            ("$name", name));

    private async Task<string[]> EmojiAsync()
    {
        await using SqliteConnection db = await _database.OpenConnectionAsync();
        return [.. (await db.QueryAsync("SELECT name FROM custom_emoji ORDER BY rowid;", r => r.GetString(0), CancellationToken.None))];
    }

    private sealed class Release(ChatDatabase database) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            database.ReleaseWriter();
            return ValueTask.CompletedTask;
        }
    }
}
