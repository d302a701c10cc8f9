using Microsoft.Data.Sqlite;
using SharedChannels.Sqlite.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.Sqlite.Tests;

/// <summary>Behaviour of the SQLite connection store beyond the shared contract: storage format, precision, processes.</summary>
[Category("Integration")]
public sealed class SqliteConnectionStoreTests
{
    private static readonly DateTimeOffset Created = new(2026, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    private TemporaryDatabase _database = null!;

    [SetUp]
    public void SetUp() => _database = new TemporaryDatabase();

    [TearDown]
    public void TearDown() => _database.Dispose();

    [Test]
    public async Task TryAddAsync_Times_AreStoredAsUtcUnixMilliseconds()
    {
        var store = new SqliteConnectionStore(_database.Open());

        await store.TryAddAsync(Connection("remote-1", "acme") with { CreatedAt = Created.ToOffset(TimeSpan.FromHours(-7)), LastPingAt = null });

        using SqliteConnection raw = _database.OpenRaw();
        Assert.That(
            raw.Rows("SELECT created_at, last_ping_at FROM connections;").Single(),
            Is.EqualTo(new object?[] { Created.ToUnixTimeMilliseconds(), null }));
    }

    [Test]
    public async Task TryAddAsync_SubMillisecondTime_KeepsWholeMilliseconds()
    {
        var store = new SqliteConnectionStore(_database.Open());

        await store.TryAddAsync(Connection("remote-1", "acme") with { CreatedAt = Created.AddTicks(9_999) });
        ConnectionRecord? stored = await store.GetAsync("remote-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.CreatedAt, Is.EqualTo(Created));
            Assert.That(stored?.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
        }
    }

    [Test]
    public async Task UpdateAsync_NameOfAnotherLiveConnection_ThrowsAlreadyExistsAndKeepsTheRow()
    {
        var store = new SqliteConnectionStore(_database.Open());
        await store.TryAddAsync(Connection("remote-1", "acme"));
        ConnectionRecord beta = Connection("remote-2", "beta");
        await store.TryAddAsync(beta);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => store.UpdateAsync(beta with { Name = "acme" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.AlreadyExists));
            Assert.That(ex.Message, Does.Contain("'acme'").And.Not.Contain(beta.Token));
            Assert.That(await store.GetAsync("remote-2"), Is.EqualTo(beta));
        }
    }

    [Test]
    public async Task TryAddAsync_ConcurrentAddsThroughTwoStoragesOfOneFile_ExactlyOneSucceeds()
    {
        // Two storages over one file behave like two processes: separate pools, one database lock.
        SqliteConnectionStore[] stores = [new(_database.Open()), new(_database.Open())];

        bool[] results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => stores[i % 2].TryAddAsync(Connection($"remote-{i:D2}", "acme")))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(r => r), Is.EqualTo(1));
            Assert.That(await stores[0].ListAsync(), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task TryAddAsync_AnotherWriterHoldsTheLockPastTheTimeout_ThrowsTransientSharedChannelsException()
    {
        // The shortest timeout Microsoft.Data.Sqlite offers is one second: this test waits that long.
        var store = new SqliteConnectionStore(_database.Open("Default Timeout=1"));
        await store.ListAsync();
        using SqliteConnection blocker = _database.OpenRaw();
        blocker.Execute("BEGIN IMMEDIATE;");

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => store.TryAddAsync(Connection("remote-1", "acme")));

        blocker.Execute("ROLLBACK;");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.Message, Does.Contain("locked").And.Contain("Default Timeout"));
            Assert.That(await store.ListAsync(), Is.Empty);
        }
    }

    private static ConnectionRecord Connection(string remoteId, string name) => new()
    {
        RemoteId = remoteId,
        Name = name,
        DisplayName = name,
        CreatorId = "creator",
        CreatedAt = Created,
        InvitationGeneratedAt = Created,
        Token = "secret-token-" + remoteId,
    };
}
