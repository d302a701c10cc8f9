using System.Globalization;
using Microsoft.Data.Sqlite;
using SharedChannels.Sqlite.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.Sqlite.Tests;

/// <summary>
/// The per-connection settings are applied once per native connection of the pool: a connection handed out again
/// must still have them, however many operations went through it.
/// </summary>
public sealed class SqliteStorageConnectionSettingsTests
{
    private const string Channel = "channel-1";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private TemporaryDatabase _database = null!;

    [SetUp]
    public void SetUp() => _database = new TemporaryDatabase();

    [TearDown]
    public void TearDown() => _database.Dispose();

    private static ConnectionRecord Connection(string remoteId) => new()
    {
        RemoteId = remoteId,
        Name = "name-" + remoteId,
        DisplayName = "Display " + remoteId,
        CreatorId = "creator",
        CreatedAt = Now,
        InvitationGeneratedAt = Now,
        Token = "token-" + remoteId,
    };

    private static void AssertSettings(SqliteConnection connection, long busyTimeout)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(connection.Scalar("PRAGMA busy_timeout;"), Is.EqualTo(busyTimeout), "busy_timeout follows Default Timeout");
            Assert.That(connection.Scalar("PRAGMA foreign_keys;"), Is.EqualTo(1L), "foreign keys on");
            Assert.That(connection.Scalar("PRAGMA synchronous;"), Is.EqualTo(1L), "synchronous NORMAL");
        }
    }

    /// <summary>Runs store operations one after the other and at once, so the pool has several native connections, each used many times.</summary>
    private static async Task ExerciseStoresAsync(SqliteStorage storage)
    {
        var connections = new SqliteConnectionStore(storage);
        var cursors = new SqliteSyncStateStore(storage);
        var channels = new SqliteSharedChannelStore(storage);
        for (int i = 0; i < 30; i++)
        {
            string remoteId = "remote-" + i.ToString(CultureInfo.InvariantCulture);
            Assert.That(await connections.TryAddAsync(Connection(remoteId)), Is.True);
            await cursors.SetCursorAsync(new SyncCursor(Channel, remoteId, i.ToString(CultureInfo.InvariantCulture), Now));
            Assert.That((await cursors.GetCursorAsync(Channel, remoteId))?.Cursor, Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)));
        }

        await Task.WhenAll(Enumerable.Range(0, 12).Select(worker => Task.Run(async () =>
        {
            for (int j = 0; j < 10; j++)
            {
                string remoteId = "remote-" + ((worker + j) % 30).ToString(CultureInfo.InvariantCulture);
                await cursors.SetCursorAsync(new SyncCursor(Channel, remoteId, $"{worker}-{j}", Now));
                await connections.GetAsync(remoteId);
                await channels.ListChannelsAsync();
            }
        })));
    }

    [TestCase(null, 30_000L, TestName = "OpenConnectionAsync_DefaultTimeout_ReusedConnectionsKeepTheSettings")]
    [TestCase("Default Timeout=7", 7_000L, TestName = "OpenConnectionAsync_DefaultTimeout7_ReusedConnectionsKeepTheSettings")]
    [TestCase("Default Timeout=0", (long)int.MaxValue, TestName = "OpenConnectionAsync_DefaultTimeout0_ReusedConnectionsKeepTheSettings")]
    [Category("Integration")]
    public async Task OpenConnectionAsync_AfterManyOperations_ReusedConnectionsKeepTheSettings(string? keywords, long busyTimeout)
    {
        SqliteStorage storage = _database.Open(keywords);
        await ExerciseStoresAsync(storage);

        // Several at once: distinct native connections of the pool, which the operations above already used.
        var held = new List<SqliteConnection>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                held.Add(await storage.OpenConnectionAsync(CancellationToken.None));
            }

            foreach (SqliteConnection connection in held)
            {
                AssertSettings(connection, busyTimeout);
            }
        }
        finally
        {
            foreach (SqliteConnection connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        // One at a time: the pool hands the same native connections out again.
        var handles = new HashSet<object>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 10; i++)
        {
            await using SqliteConnection connection = await storage.OpenConnectionAsync(CancellationToken.None);
            handles.Add(connection.Handle!);
            AssertSettings(connection, busyTimeout);
        }

        Assert.That(handles, Has.Count.LessThan(10), "native connections were reused from the pool");
    }

    [Test]
    [Category("Integration")]
    public async Task OpenConnectionAsync_AfterTheStorageIsReopened_ConfiguresTheNewConnections()
    {
        await ExerciseStoresAsync(_database.Open());

        SqliteStorage reopened = _database.Reopen();
        var cursors = new SqliteSyncStateStore(reopened);
        Assert.That(await cursors.GetCursorAsync(Channel, "remote-0"), Is.Not.Null);

        await using SqliteConnection connection = await reopened.OpenConnectionAsync(CancellationToken.None);
        AssertSettings(connection, 30_000L);
    }
}
