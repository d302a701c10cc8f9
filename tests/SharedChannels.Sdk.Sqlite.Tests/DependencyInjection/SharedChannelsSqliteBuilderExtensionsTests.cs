using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Sqlite.Tests.TestSupport;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;

namespace SharedChannels.Sqlite.Tests.DependencyInjection;

public sealed class SharedChannelsSqliteBuilderExtensionsTests
{
    private TemporaryDatabase _database = null!;

    [SetUp]
    public void SetUp() => _database = new TemporaryDatabase();

    [TearDown]
    public void TearDown() => _database.Dispose();

    [Test]
    public void UseSqliteStorage_ValidConnectionString_RegistersSqliteStoresSharingOneStorage()
    {
        var services = new ServiceCollection();

        services.AddSharedChannels().UseSqliteStorage(_database.ConnectionString);

        using ServiceProvider provider = services.BuildServiceProvider();
        SqliteStorage storage = provider.GetRequiredService<SqliteStorage>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.GetRequiredService<IConnectionStore>(), Is.TypeOf<SqliteConnectionStore>());
            Assert.That(provider.GetRequiredService<ISharedChannelStore>(), Is.TypeOf<SqliteSharedChannelStore>());
            Assert.That(provider.GetRequiredService<ISyncStateStore>(), Is.TypeOf<SqliteSyncStateStore>());
            Assert.That(provider.GetRequiredService<SqliteStorage>(), Is.SameAs(storage));
            Assert.That(storage.DataSource, Is.EqualTo(_database.FilePath));
            Assert.That(services.Count(d => d.ServiceType == typeof(IConnectionStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(ISharedChannelStore)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(ISyncStateStore)), Is.EqualTo(1));
        }
    }

    [Test]
    public void UseSqliteStorage_CalledTwice_LastConnectionStringWins()
    {
        var services = new ServiceCollection();
        ISharedChannelsBuilder builder = services.AddSharedChannels();
        string other = Path.Combine(_database.DirectoryPath, "other.db");

        builder.UseSqliteStorage(_database.ConnectionString).UseSqliteStorage($"Data Source={other}");

        using ServiceProvider provider = services.BuildServiceProvider();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(provider.GetRequiredService<SqliteStorage>().DataSource, Is.EqualTo(other));
            Assert.That(services.Count(d => d.ServiceType == typeof(SqliteStorage)), Is.EqualTo(1));
        }
    }

    [Test]
    public void UseInMemoryStorage_AfterUseSqliteStorage_RestoresInMemoryStores()
    {
        var services = new ServiceCollection();

        services.AddSharedChannels().UseSqliteStorage(_database.ConnectionString).UseInMemoryStorage();

        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IConnectionStore>(), Is.TypeOf<InMemoryConnectionStore>());
    }

    [TestCase("", "is required")]
    [TestCase("Data Source=:memory:", "UseInMemoryStorage")]
    [TestCase("Colour=blue", "not valid")]
    public void UseSqliteStorage_UnusableConnectionString_ThrowsWhenRegistering(string connectionString, string expected)
    {
        ISharedChannelsBuilder builder = new ServiceCollection().AddSharedChannels();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseSqliteStorage(connectionString));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain(expected));
            Assert.That(ex.ParamName, Is.EqualTo("connectionString"));
        }
    }

    [Test]
    public void UseSqliteStorage_NullArguments_ThrowArgumentNullException()
    {
        ISharedChannelsBuilder builder = new ServiceCollection().AddSharedChannels();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => SharedChannelsSqliteBuilderExtensions.UseSqliteStorage(null!, _database.ConnectionString), Throws.ArgumentNullException);
            Assert.That(() => builder.UseSqliteStorage(null!), Throws.ArgumentNullException);
        }
    }

    [Test]
    [Category("Integration")]
    public async Task UseSqliteStorage_NewServiceProviderOverTheSameFile_SeesEarlierWrites()
    {
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
        services.AddSharedChannels().UseSqliteStorage(_database.ConnectionString);
        return services.BuildServiceProvider();
    }
}
