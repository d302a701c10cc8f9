using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.PostgreSql.Tests;

/// <summary>Behaviour of the PostgreSQL sync state store beyond the shared contract.</summary>
[Category("Integration")]
public sealed class PostgreSqlSyncStateStoreTests
{
    private static readonly DateTimeOffset SyncedAt = new(2026, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    private TemporaryDatabase? _database;

    [SetUp]
    public async Task SetUpAsync() => _database = await TemporaryDatabase.CreateAsync();

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    public async Task SetCursorAsync_CursorWithNulCharacter_ThrowsInvalidArgumentAndKeepsTheStoredCursor()
    {
        // PostgreSQL text cannot hold NUL: the one character of a host's opaque cursor this store refuses.
        var store = new PostgreSqlSyncStateStore(_database!.Open());
        var kept = new SyncCursor("channel-1", "remote-a", "41", SyncedAt);
        await store.SetCursorAsync(kept);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => store.SetCursorAsync(kept with { Cursor = "42\0" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
            Assert.That(await store.GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(kept));
        }
    }

    [Test]
    public async Task SetCursorAsync_ConcurrentWritersThroughTwoStorages_KeepOneWrittenCursor()
    {
        PostgreSqlSyncStateStore[] stores = [new(_database!.Open()), new(_database.Open())];
        SyncCursor[] written = [.. Enumerable.Range(0, 40).Select(i => new SyncCursor("channel-1", "remote-a", $"cursor-{i}", SyncedAt.AddSeconds(i)))];

        await Task.WhenAll(written.Select((cursor, i) => Task.Run(() => stores[i % 2].SetCursorAsync(cursor))));

        Assert.That(written, Has.Member(await stores[0].GetCursorAsync("channel-1", "remote-a")));
    }
}
