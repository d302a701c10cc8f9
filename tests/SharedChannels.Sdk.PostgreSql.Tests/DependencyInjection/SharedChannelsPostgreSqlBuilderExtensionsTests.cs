using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;

namespace SharedChannels.PostgreSql.Tests.DependencyInjection;

public sealed class SharedChannelsPostgreSqlBuilderExtensionsTests
{
    private const string ConnectionString = "Host=db.example.com;Database=chat;Username=chat";
    private const string Password = "hunter2-secret";

    private TemporaryDatabase? _database;

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }
    }

    [Test]
    public async Task UsePostgreSqlStorage_ValidConnectionString_RegistersPostgreSqlStoresSharingOneStorage()
    {
        var services = new ServiceCollection();

        services.AddSharedChannels().UsePostgreSqlStorage(ConnectionString);

        await using ServiceProvider provider = services.BuildServiceProvider();
        PostgreSqlStorage storage = provider.GetRequiredService<PostgreSqlStorage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.GetRequiredService<IConnectionStore>(), Is.TypeOf<PostgreSqlConnectionStore>());
            Assert.That(provider.GetRequiredService<ISharedChannelStore>(), Is.TypeOf<PostgreSqlSharedChannelStore>());
            Assert.That(provider.GetRequiredService<ISyncStateStore>(), Is.TypeOf<PostgreSqlSyncStateStore>());
            Assert.That(provider.GetRequiredService<PostgreSqlStorage>(), Is.SameAs(storage));
            Assert.That(storage.Schema, Is.EqualTo(PostgreSqlStorage.DefaultSchema));
            Assert.That(services.Count(d => d.ServiceType == typeof(IConnectionStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(ISharedChannelStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(ISyncStateStore)), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task UsePostgreSqlStorage_CalledTwice_LastOneWins()
    {
        var services = new ServiceCollection();
        ISharedChannelsBuilder builder = services.AddSharedChannels();

        builder.UsePostgreSqlStorage(ConnectionString, "workspace_a").UsePostgreSqlStorage(ConnectionString, "workspace_b");

        await using ServiceProvider provider = services.BuildServiceProvider();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.GetRequiredService<PostgreSqlStorage>().Schema, Is.EqualTo("workspace_b"));
            Assert.That(services.Count(d => d.ServiceType == typeof(PostgreSqlStorage)), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task UseInMemoryStorage_AfterUsePostgreSqlStorage_RestoresInMemoryStores()
    {
        var services = new ServiceCollection();

        services.AddSharedChannels().UsePostgreSqlStorage(ConnectionString).UseInMemoryStorage();

        await using ServiceProvider provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IConnectionStore>(), Is.TypeOf<InMemoryConnectionStore>());
    }

    [TestCase("", "is required")]
    [TestCase("Database=chat", "names no server")]
    [TestCase("Colour=blue", "not valid")]
    [TestCase("Host=db.example.com;Target Session Attributes=read-only", "read-only")]
    public void UsePostgreSqlStorage_UnusableConnectionString_ThrowsWhenRegistering(string connectionString, string expected)
    {
        ISharedChannelsBuilder builder = new ServiceCollection().AddSharedChannels();

        var ex = Assert.Throws<ArgumentException>(() => builder.UsePostgreSqlStorage(connectionString));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain(expected));
            Assert.That(ex.ParamName, Is.EqualTo("connectionString"));
        }
    }

    [Test]
    public void UsePostgreSqlStorage_UnusableConnectionStringWithPassword_DoesNotEchoThePassword()
    {
        ISharedChannelsBuilder builder = new ServiceCollection().AddSharedChannels();

        var ex = Assert.Throws<ArgumentException>(() => builder.UsePostgreSqlStorage($"Password={Password};Port={Password}"));

        Assert.That(ex!.ToString(), Does.Not.Contain(Password));
    }

    [Test]
    public void UsePostgreSqlStorage_UnusableSchema_ThrowsWhenRegistering()
    {
        ISharedChannelsBuilder builder = new ServiceCollection().AddSharedChannels();
        using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(ConnectionString);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => builder.UsePostgreSqlStorage(ConnectionString, "Bad-Name"), Throws.ArgumentException.With.Property("ParamName").EqualTo("schema"));
            Assert.That(() => builder.UsePostgreSqlStorage(dataSource, "Bad-Name"), Throws.ArgumentException.With.Property("ParamName").EqualTo("schema"));
        }
    }

    [Test]
    public void UsePostgreSqlStorage_NullArguments_ThrowArgumentNullException()
    {
        ISharedChannelsBuilder builder = new ServiceCollection().AddSharedChannels();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => SharedChannelsPostgreSqlBuilderExtensions.UsePostgreSqlStorage(null!, ConnectionString), Throws.ArgumentNullException);
            Assert.That(() => builder.UsePostgreSqlStorage((string)null!), Throws.ArgumentNullException);
            Assert.That(() => builder.UsePostgreSqlStorage((NpgsqlDataSource)null!), Throws.ArgumentNullException);
            Assert.That(() => builder.UsePostgreSqlStorage(ConnectionString, null!), Throws.ArgumentNullException);
        }
    }

    [Test]
    [Category("Integration")]
    public async Task UsePostgreSqlStorage_HostDataSource_StoresThroughItAndLeavesItOpenWhenTheContainerIsDisposed()
    {
        _database = await TemporaryDatabase.CreateAsync();
        NpgsqlDataSource hosts = _database.CreateDataSource();
        var cursor = new SyncCursor("channel-1", "remote-a", "42", new DateTimeOffset(2026, 1, 1, 0, 0, 0, 5, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSharedChannels().UsePostgreSqlStorage(hosts);

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<ISyncStateStore>().SetCursorAsync(cursor);
        }

        await using NpgsqlCommand command = hosts.CreateCommand("SELECT cursor FROM shared_channels.sync_cursors;");
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("42"));
    }

    [Test]
    [Category("Integration")]
    public async Task UsePostgreSqlStorage_NewServiceProviderOverTheSameDatabase_SeesEarlierWrites()
    {
        _database = await TemporaryDatabase.CreateAsync();
        var cursor = new SyncCursor("channel-1", "remote-a", "42", new DateTimeOffset(2026, 1, 1, 0, 0, 0, 5, TimeSpan.Zero));
        await using (ServiceProvider first = Build())
        {
            await first.GetRequiredService<ISyncStateStore>().SetCursorAsync(cursor);
        }

        await using ServiceProvider second = Build();

        Assert.That(await second.GetRequiredService<ISyncStateStore>().GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(cursor));
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSharedChannels().UsePostgreSqlStorage(_database!.ConnectionString);
        return services.BuildServiceProvider();
    }
}
