using Microsoft.Data.Sqlite;
using SharedChannels.Sqlite.Internal;
using SharedChannels.Sqlite.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.Sqlite.Tests;

public sealed class SqliteStorageTests
{
    private TemporaryDatabase _database = null!;

    [SetUp]
    public void SetUp() => _database = new TemporaryDatabase();

    [TearDown]
    public void TearDown() => _database.Dispose();

    [TestCase("", "is required")]
    [TestCase("   ", "is required")]
    [TestCase("not a connection string", "not valid")]
    [TestCase("Colour=blue;Data Source=x.db", "not valid")]
    [TestCase("Data Source=", "names no database file")]
    [TestCase("Mode=ReadWriteCreate", "names no database file")]
    [TestCase("Data Source=:memory:", "in-memory")]
    [TestCase("Data Source=shared;Mode=Memory;Cache=Shared", "in-memory")]
    [TestCase("Data Source=x.db;Mode=ReadOnly", "read-only")]
    [TestCase("Data Source=x.db;Default Timeout=-1", "negative Default Timeout")]
    public void Constructor_UnusableConnectionString_ThrowsArgumentExceptionSayingWhy(string connectionString, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new SqliteStorage(connectionString));

        Assert.That(ex!.Message, Does.Contain(expected).And.Contain("SQLite"));
    }

    [Test]
    public void Constructor_ConnectionStringWithPassword_DoesNotEchoThePassword()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new SqliteStorage("Password=hunter2-secret;Mode=ReadWriteCreate"));

        Assert.That(ex!.Message, Does.Not.Contain("hunter2-secret"));
    }

    [Test]
    public void Constructor_NullConnectionString_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new SqliteStorage(null!));
    }

    [Test]
    public void Constructor_ValidConnectionString_TouchesNoFile()
    {
        using var storage = new SqliteStorage(_database.ConnectionString);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(storage.DataSource, Is.EqualTo(_database.FilePath));
            Assert.That(File.Exists(_database.FilePath), Is.False);
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_FreshFile_CreatesEveryTableAndRecordsTheVersion()
    {
        await _database.Open().EnsureSchemaAsync();

        using SqliteConnection raw = _database.OpenRaw();
        List<object?[]> tables = raw.Rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;");
        List<object?[]> versions = raw.Rows("SELECT version FROM schema_version ORDER BY version;");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tables.Select(t => t[0]), Is.EqualTo(new[] { "connections", "schema_version", "shared_channel_remotes", "shared_channels", "sync_cursors" }));
            Assert.That(versions.Select(v => v[0]), Is.EqualTo(SchemaMigrations.All.Select(m => (object)(long)m.Version)));
            Assert.That(SchemaMigrations.Latest, Is.EqualTo(1));
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_ExistingFile_KeepsDataAndDoesNotRerunMigrations()
    {
        SqliteStorage first = _database.Open();
        await new SqliteConnectionStore(first).TryAddAsync(Connection("remote-1"));
        List<object?[]> before;
        using (SqliteConnection raw = _database.OpenRaw())
        {
            before = raw.Rows("SELECT version, description, applied_at FROM schema_version;");
        }

        SqliteStorage second = _database.Reopen();
        await second.EnsureSchemaAsync();
        ConnectionRecord? kept = await new SqliteConnectionStore(second).GetAsync("remote-1");

        using SqliteConnection after = _database.OpenRaw();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.Rows("SELECT version, description, applied_at FROM schema_version;"), Is.EqualTo(before));
            Assert.That(before, Has.Count.EqualTo(1));
            Assert.That(kept, Is.EqualTo(Connection("remote-1")));
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_SeveralStoragesOnANewFileAtOnce_ApplyEachMigrationOnce()
    {
        SqliteStorage[] storages = [.. Enumerable.Range(0, 8).Select(_ => _database.Open())];

        await Task.WhenAll(storages.Select(s => Task.Run(() => s.EnsureSchemaAsync())));

        using SqliteConnection raw = _database.OpenRaw();
        Assert.That(raw.Scalar("SELECT COUNT(*) FROM schema_version;"), Is.EqualTo(SchemaMigrations.Latest));
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_SchemaFromNewerVersion_ThrowsSayingToUpgrade()
    {
        await _database.Open().EnsureSchemaAsync();
        using (SqliteConnection raw = _database.OpenRaw())
        {
            raw.Execute("INSERT INTO schema_version (version, description) VALUES (99, 'from the future');");
        }

        SqliteStorage reopened = _database.Reopen();
        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => reopened.EnsureSchemaAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
            Assert.That(ex.Message, Does.Contain("schema version 99").And.Contain("Upgrade the package"));
        }
    }

    [Test]
    [Category("Integration")]
    public async Task OpenConnectionAsync_AfterSchema_UsesWalAndTheConnectionSettings()
    {
        SqliteStorage storage = _database.Open("Default Timeout=7");
        await storage.EnsureSchemaAsync();

        await using SqliteConnection connection = await storage.OpenConnectionAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(connection.Scalar("PRAGMA journal_mode;"), Is.EqualTo("wal"));
            Assert.That(connection.Scalar("PRAGMA foreign_keys;"), Is.EqualTo(1L));
            Assert.That(connection.Scalar("PRAGMA synchronous;"), Is.EqualTo(1L), "1 is NORMAL");
            Assert.That(connection.Scalar("PRAGMA busy_timeout;"), Is.EqualTo(7000L), "the busy timeout follows Default Timeout");
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_FreshFile_LeavesTheFileInWalModeForEveryConnection()
    {
        await _database.Open().EnsureSchemaAsync();

        using SqliteConnection raw = _database.OpenRaw();
        Assert.That(raw.Scalar("PRAGMA journal_mode;"), Is.EqualTo("wal"));
    }

    [Test]
    [Category("Integration")]
    public void FirstOperation_DirectoryMissing_ThrowsNamingTheFileAndWhatToCheck()
    {
        string path = Path.Combine(_database.DirectoryPath, "missing", "shared-channels.db");
        using var storage = new SqliteStorage($"Data Source={path}");

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => new SqliteConnectionStore(storage).ListAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain(path).And.Contain("directory exists"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.InnerException, Is.TypeOf<SqliteException>());
        }
    }

    [Test]
    [Category("Integration")]
    public async Task FirstOperation_FileIsNotADatabase_ThrowsSayingSo()
    {
        await File.WriteAllTextAsync(_database.FilePath, "This is a text file, not a database. It is long enough to fill a header page of SQLite.");
        SqliteStorage storage = _database.Open();

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => storage.EnsureSchemaAsync());

        Assert.That(ex!.Message, Does.Contain("is not a SQLite database"));
    }

    [Test]
    [Category("Integration")]
    public async Task FirstOperation_AfterFailure_RetriesTheSchema()
    {
        string directory = Path.Combine(_database.DirectoryPath, "later");
        using var storage = new SqliteStorage($"Data Source={Path.Combine(directory, "shared-channels.db")}");
        var store = new SqliteConnectionStore(storage);
        Assert.ThrowsAsync<SharedChannelsException>(() => store.ListAsync());

        Directory.CreateDirectory(directory);

        Assert.That(await store.ListAsync(), Is.Empty);
    }

    [Test]
    public void Operation_AfterDispose_ThrowsObjectDisposedException()
    {
        SqliteStorage storage = _database.Open();
        storage.Dispose();

        Assert.ThrowsAsync<ObjectDisposedException>(() => new SqliteConnectionStore(storage).ListAsync());
    }

    private static ConnectionRecord Connection(string remoteId) => new()
    {
        RemoteId = remoteId,
        Name = "name-" + remoteId,
        DisplayName = "Display " + remoteId,
        CreatorId = "creator",
        CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 6, TimeSpan.Zero),
        InvitationGeneratedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 6, TimeSpan.Zero),
        Token = "token",
    };
}
