using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.PostgreSql.Tests;

/// <summary>Runs the ISharedChannelStore contract against a database of its own; a restart opens the same database with a new storage.</summary>
[Category("Integration")]
public sealed class PostgreSqlSharedChannelStoreContractTests : SharedChannelStoreContractTests
{
    private TemporaryDatabase? _database;

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }
    }

    protected override async Task<ISharedChannelStore> CreateStoreAsync()
    {
        _database = await TemporaryDatabase.CreateAsync();
        return new PostgreSqlSharedChannelStore(_database.Open());
    }

    protected override async Task<ISharedChannelStore> ReopenStoreAsync(ISharedChannelStore store) =>
        new PostgreSqlSharedChannelStore(await _database!.ReopenAsync());
}
