using Npgsql;
using SharedChannels.PostgreSql.Internal;
using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.PostgreSql.Tests;

public sealed class PostgreSqlStorageTests
{
    private const string Password = "hunter2-secret";

    private static readonly string[] Tables = ["connection_leases", "connections", "inbound_frames", "inbound_signatures", "schema_version", "shared_channel_remotes", "shared_channels", "sync_cursors"];

    private TemporaryDatabase? _database;

    private TemporaryDatabase Database => _database ?? throw new InvalidOperationException("Call CreateDatabaseAsync first.");

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }
    }

    [TestCase("", "is required")]
    [TestCase("   ", "is required")]
    [TestCase("not a connection string", "not valid")]
    [TestCase("Colour=blue;Host=db.example.com", "not valid")]
    [TestCase("Host=db.example.com;Port=fifty", "not valid")]
    [TestCase("Database=chat;Username=chat", "names no server (Host)")]
    [TestCase("Host=;Database=chat", "names no server (Host)")]
    [TestCase("Host=db.example.com;Target Session Attributes=read-only", "read-only server")]
    [TestCase("Host=db.example.com;Target Session Attributes=standby", "read-only server")]
    public void Constructor_UnusableConnectionString_ThrowsArgumentExceptionSayingWhy(string connectionString, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new PostgreSqlStorage(connectionString));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain(expected).And.Contain("PostgreSQL"));
            Assert.That(ex.ParamName, Is.EqualTo("connectionString"));
        }
    }

    [TestCase("Password=" + Password + ";Colour=blue")]
    [TestCase("Host=db.example.com;Password=" + Password + ";Port=" + Password)]
    [TestCase("Host=db.example.com;Password='" + Password + "';Timeout=" + Password)]
    [TestCase("Host=db.example.com;PWD=\"" + Password + "\";Command Timeout=" + Password)]
    [TestCase("Password=" + Password + ";Database=chat")]
    [TestCase("Host=db.example.com;Password=" + Password + ";Target Session Attributes=read-only")]
    public void Constructor_ConnectionStringWithPassword_DoesNotEchoThePassword(string connectionString)
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new PostgreSqlStorage(connectionString));

        // ToString covers the message, the inner exceptions and the stack: everything a log would show.
        Assert.That(ex!.ToString(), Does.Not.Contain(Password));
    }

    [TestCase("Host=db;Password=" + Password + ";Port=x")]
    [TestCase("Host=db;password = '" + Password + "'")]
    [TestCase("Host=db;PWD=\"" + Password + "\";Port=x")]
    [TestCase("Password=" + Password)]
    public void Redact_MessageQuotingThePassword_ReplacesIt(string connectionString)
    {
        string redacted = PostgreSqlStorage.Redact($"The value '{Password}' is not a number.", connectionString);

        Assert.That(redacted, Is.EqualTo("The value '***' is not a number."));
    }

    [Test]
    public void Constructor_NullArguments_ThrowArgumentNullException()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new PostgreSqlStorage((string)null!), Throws.ArgumentNullException);
            Assert.That(() => new PostgreSqlStorage((NpgsqlDataSource)null!), Throws.ArgumentNullException);
            Assert.That(() => new PostgreSqlStorage("Host=db.example.com", null!), Throws.ArgumentNullException);
        }
    }

    [TestCase("")]
    [TestCase("Shared_Channels")]
    [TestCase("1channels")]
    [TestCase("pg_channels")]
    [TestCase("shared-channels")]
    [TestCase("x\"; DROP TABLE users; --")]
    [TestCase("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Constructor_UnusableSchemaName_ThrowsArgumentExceptionSayingWhatCanBeUsed(string schema)
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new PostgreSqlStorage("Host=db.example.com", schema));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("schema name").And.Contain("lower-case letters"));
            Assert.That(ex.ParamName, Is.EqualTo("schema"));
        }
    }

    [TestCase("a")]
    [TestCase("_private")]
    [TestCase("workspace_2")]
    [TestCase("public")]
    [TestCase("a23456789012345678901234567890123456789012345678901234567890123")]
    public void Constructor_UsableSchemaName_IsKept(string schema)
    {
        using var storage = new PostgreSqlStorage("Host=db.example.com", schema);

        Assert.That(storage.Schema, Is.EqualTo(schema));
    }

    [Test]
    public void Constructor_ValidConnectionString_ConnectsToNothingAndUsesTheDefaultSchema()
    {
        // Nothing listens there: a constructor that connected would throw.
        using var storage = new PostgreSqlStorage("Host=/nonexistent/socket/folder;Database=chat");

        Assert.That(storage.Schema, Is.EqualTo("shared_channels").And.EqualTo(PostgreSqlStorage.DefaultSchema));
    }

    [Test]
    public void MigrationLockKey_IsFixedPerSchema()
    {
        // Processes of different versions must agree on the key, or they would migrate at the same time: it never changes.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostgreSqlStorage.MigrationLockKey("shared_channels"), Is.EqualTo(-8_670_576_400_062_903_777L));
            Assert.That(PostgreSqlStorage.MigrationLockKey("other"), Is.Not.EqualTo(PostgreSqlStorage.MigrationLockKey("shared_channels")));
        }
    }

    [Test]
    public void FirstOperation_ServerUnreachable_ThrowsTransientNamingTheServerWithoutThePassword()
    {
        using var storage = new PostgreSqlStorage($"Host=/nonexistent/socket/folder;Database=chat;Password={Password};Timeout=2");

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => new PostgreSqlConnectionStore(storage).ListAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.Message, Does.Contain("'chat'").And.Contain("/nonexistent/socket/folder").And.Contain("reachable"));
            Assert.That(ex.ToString(), Does.Not.Contain(Password));
            Assert.That(ex.InnerException, Is.InstanceOf<NpgsqlException>());
        }
    }

    [Test]
    public void Operation_AfterDispose_ThrowsObjectDisposedException()
    {
        var storage = new PostgreSqlStorage("Host=/nonexistent/socket/folder;Database=chat");
        storage.Dispose();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new PostgreSqlConnectionStore(storage).ListAsync(), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(() => storage.EnsureSchemaAsync(), Throws.InstanceOf<ObjectDisposedException>());
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_FreshDatabase_CreatesEveryTableInItsOwnSchemaAndRecordsTheVersion()
    {
        await CreateDatabaseAsync();

        await Database.Open().EnsureSchemaAsync();

        await using NpgsqlConnection raw = await Database.OpenRawAsync();
        List<object?[]> tables = await raw.RowsAsync("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_name;");
        List<object?[]> versions = await raw.RowsAsync("SELECT version, description FROM shared_channels.schema_version ORDER BY version;");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tables.Select(t => t[1]), Is.EqualTo(Tables));
            Assert.That(tables.Select(t => t[0]), Is.All.EqualTo("shared_channels"), "nothing lands in the host's schemas");
            Assert.That(versions.Select(v => v[0]), Is.EqualTo(SchemaMigrations.All.Select(m => (object)m.Version)));
            Assert.That(versions.Select(v => v[1]), Is.EqualTo(SchemaMigrations.All.Select(m => (object)m.Description)));
            Assert.That(SchemaMigrations.Latest, Is.EqualTo(2));
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_ExistingSchema_KeepsDataAndDoesNotRerunMigrations()
    {
        await CreateDatabaseAsync();
        PostgreSqlStorage first = Database.Open();
        await new PostgreSqlConnectionStore(first).TryAddAsync(Connection("remote-1", "acme"));
        List<object?[]> before;
        await using (NpgsqlConnection raw = await Database.OpenRawAsync())
        {
            before = await raw.RowsAsync("SELECT version, description, applied_at FROM shared_channels.schema_version;");
        }

        PostgreSqlStorage second = await Database.ReopenAsync();
        await second.EnsureSchemaAsync();
        ConnectionRecord? kept = await new PostgreSqlConnectionStore(second).GetAsync("remote-1");

        await using NpgsqlConnection after = await Database.OpenRawAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await after.RowsAsync("SELECT version, description, applied_at FROM shared_channels.schema_version;"), Is.EqualTo(before));
            Assert.That(before, Has.Count.EqualTo(SchemaMigrations.Latest));
            Assert.That(kept, Is.EqualTo(Connection("remote-1", "acme")));
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_SeveralStoragesOnANewDatabaseAtOnce_ApplyEachMigrationOnceWithoutFailing()
    {
        // Each storage has its own pool, as separate processes would: without the advisory lock, concurrent CREATE
        // SCHEMA / CREATE TABLE fail on PostgreSQL's catalog indexes.
        await CreateDatabaseAsync();
        PostgreSqlStorage[] storages = [.. Enumerable.Range(0, 8).Select(_ => Database.Open())];

        await Task.WhenAll(storages.Select(s => Task.Run(() => s.EnsureSchemaAsync())));

        await using NpgsqlConnection raw = await Database.OpenRawAsync();
        Assert.That(await raw.ScalarAsync("SELECT COUNT(*) FROM shared_channels.schema_version;"), Is.EqualTo((long)SchemaMigrations.Latest));
    }

    [Test]
    [Category("Integration")]
    public async Task FirstOperations_SeveralStoragesOnANewDatabaseAtOnce_AllSucceed()
    {
        await CreateDatabaseAsync();
        PostgreSqlConnectionStore[] stores = [.. Enumerable.Range(0, 6).Select(_ => new PostgreSqlConnectionStore(Database.Open()))];

        bool[] added = await Task.WhenAll(stores.Select((store, i) => Task.Run(() => store.TryAddAsync(Connection($"remote-{i}", $"name-{i}")))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(added, Is.All.True);
            Assert.That(await stores[0].ListAsync(), Has.Count.EqualTo(stores.Length));
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_SchemaFromNewerVersion_ThrowsSayingToUpgrade()
    {
        await CreateDatabaseAsync();
        await Database.Open().EnsureSchemaAsync();
        await using (NpgsqlConnection raw = await Database.OpenRawAsync())
        {
            await raw.ExecuteAsync("INSERT INTO shared_channels.schema_version (version, description) VALUES (99, 'from the future');");
        }

        PostgreSqlStorage reopened = await Database.ReopenAsync();
        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => reopened.EnsureSchemaAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
            Assert.That(ex.Message, Does.Contain("schema version 99").And.Contain("Upgrade the package"));
        }
    }

    [Test]
    [Category("Integration")]
    public async Task Stores_TwoSchemasInOneDatabase_KeepTheirDataApart()
    {
        await CreateDatabaseAsync();
        var first = new PostgreSqlConnectionStore(Database.Open("workspace_a"));
        var second = new PostgreSqlConnectionStore(Database.Open("workspace_b"));

        await first.TryAddAsync(Connection("remote-1", "acme"));
        bool addedToSecond = await second.TryAddAsync(Connection("remote-1", "acme"));

        await using NpgsqlConnection raw = await Database.OpenRawAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(addedToSecond, Is.True, "the same id and name are free in the other schema");
            Assert.That(await first.ListAsync(), Has.Count.EqualTo(1));
            Assert.That(await second.ListAsync(), Has.Count.EqualTo(1));
            Assert.That(await raw.ScalarAsync("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'shared_channels';"), Is.Zero);
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_SchemaCreatedByAnAdministrator_NeedsNoRightOnTheDatabase()
    {
        await CreateDatabaseAsync();
        string role = "app_" + Database.Name;
        await PostgreSqlServer.Require().ExecuteAsAdministratorAsync($"CREATE ROLE {role} LOGIN;");
        try
        {
            await using (NpgsqlConnection raw = await Database.OpenRawAsync())
            {
                await raw.ExecuteAsync($"REVOKE ALL ON DATABASE {Database.Name} FROM PUBLIC; GRANT CONNECT ON DATABASE {Database.Name} TO {role}; CREATE SCHEMA shared_channels AUTHORIZATION {role};");
            }

            PostgreSqlStorage storage = Database.Open(moreKeywords: $"Username={role}");
            await storage.EnsureSchemaAsync();
            var store = new PostgreSqlSyncStateStore(storage);
            await store.SetCursorAsync(new SyncCursor("channel-1", "remote-a", "1", Created));

            Assert.That(await store.GetCursorAsync("channel-1", "remote-a"), Is.Not.Null);
        }
        finally
        {
            await TearDownAsync();
            await PostgreSqlServer.Require().ExecuteAsAdministratorAsync($"DROP ROLE IF EXISTS {role};");
        }
    }

    [Test]
    [Category("Integration")]
    public async Task EnsureSchemaAsync_UserMayNotCreateTheSchema_ThrowsSayingWhatToGrant()
    {
        await CreateDatabaseAsync();
        string role = "app_" + Database.Name;
        await PostgreSqlServer.Require().ExecuteAsAdministratorAsync($"CREATE ROLE {role} LOGIN;");
        try
        {
            PostgreSqlStorage storage = Database.Open(moreKeywords: $"Username={role}");

            var ex = Assert.ThrowsAsync<SharedChannelsException>(() => storage.EnsureSchemaAsync());

            using (Assert.EnterMultipleScope())
            {
                Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
                Assert.That(ex.IsTransient, Is.False);
                Assert.That(ex.Message, Does.Contain("'shared_channels'").And.Contain("CREATE on the database").And.Contain(Database.Name));
            }
        }
        finally
        {
            await TearDownAsync();
            await PostgreSqlServer.Require().ExecuteAsAdministratorAsync($"DROP ROLE IF EXISTS {role};");
        }
    }

    [Test]
    [Category("Integration")]
    public async Task FirstOperation_DatabaseMissing_ThrowsNamingItAndRetriesOnceItExists()
    {
        PostgreSqlServer server = PostgreSqlServer.Require();
        string name = server.NextDatabaseName();
        await using var storage = new PostgreSqlStorage(server.ConnectionStringFor(name));
        var store = new PostgreSqlConnectionStore(storage);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => store.ListAsync());
        Assert.That(ex!.Message, Does.Contain($"'{name}'").And.Contain("does not exist"));

        await server.CreateDatabaseAsync(name);
        try
        {
            Assert.That(await store.ListAsync(), Is.Empty);
        }
        finally
        {
            await storage.DisposeAsync();
            await server.DropDatabaseAsync(name);
        }
    }

    [Test]
    [Category("Integration")]
    public async Task Dispose_DataSourceGivenByTheHost_LeavesItOpen()
    {
        await CreateDatabaseAsync();
        NpgsqlDataSource hosts = Database.CreateDataSource();
        var storage = new PostgreSqlStorage(hosts);
        await new PostgreSqlConnectionStore(storage).TryAddAsync(Connection("remote-1", "acme"));

        storage.Dispose();
        await storage.DisposeAsync();

        await using NpgsqlCommand command = hosts.CreateCommand("SELECT COUNT(*) FROM shared_channels.connections;");
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(1L));
    }

    [Test]
    [Category("Integration")]
    public async Task DisposeAsync_DataSourceBuiltFromTheConnectionString_ClosesIt()
    {
        await CreateDatabaseAsync();
        var storage = new PostgreSqlStorage(Database.ConnectionString);
        await new PostgreSqlConnectionStore(storage).ListAsync();

        await storage.DisposeAsync();

        Assert.That(async () => await storage.DataSource.OpenConnectionAsync(), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    [Category("Integration")]
    public async Task NewStorage_OverTheSameDatabase_SeesEveryStoresData()
    {
        await CreateDatabaseAsync();
        PostgreSqlStorage before = Database.Open();
        var channel = new SharedChannel { ChannelId = "channel-1", Name = "town-square", CreatedAt = Created };
        var remote = new SharedChannelRemote { ChannelId = "channel-1", ConnectionId = "remote-1", CreatedAt = Created };
        var cursor = new SyncCursor("channel-1", "remote-1", "42", Created);
        await new PostgreSqlConnectionStore(before).TryAddAsync(Connection("remote-1", "acme"));
        await new PostgreSqlSharedChannelStore(before).UpsertChannelAsync(channel);
        await new PostgreSqlSharedChannelStore(before).UpsertRemoteAsync(remote);
        await new PostgreSqlSyncStateStore(before).SetCursorAsync(cursor);

        PostgreSqlStorage after = await Database.ReopenAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await new PostgreSqlConnectionStore(after).ListAsync(), Is.EqualTo(new[] { Connection("remote-1", "acme") }));
            Assert.That(await new PostgreSqlSharedChannelStore(after).ListChannelsAsync(), Is.EqualTo(new[] { channel }));
            Assert.That(await new PostgreSqlSharedChannelStore(after).ListRemotesByConnectionAsync("remote-1"), Is.EqualTo(new[] { remote }));
            Assert.That(await new PostgreSqlSyncStateStore(after).GetCursorAsync("channel-1", "remote-1"), Is.EqualTo(cursor));
        }
    }

    private static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, 6, TimeSpan.Zero);

    private static ConnectionRecord Connection(string remoteId, string name) => new()
    {
        RemoteId = remoteId,
        Name = name,
        DisplayName = "Display " + remoteId,
        CreatorId = "creator",
        CreatedAt = Created,
        InvitationGeneratedAt = Created,
        Token = "token-" + remoteId,
    };

    private async Task CreateDatabaseAsync() => _database = await TemporaryDatabase.CreateAsync();
}
