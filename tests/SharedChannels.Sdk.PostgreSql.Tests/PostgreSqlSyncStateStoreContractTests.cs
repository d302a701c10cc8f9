using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.PostgreSql.Tests;

/// <summary>Runs the ISyncStateStore contract against a database of its own; a restart opens the same database with a new storage.</summary>
[Category("Integration")]
public sealed class PostgreSqlSyncStateStoreContractTests : SyncStateStoreContractTests
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

    protected override async Task<ISyncStateStore> CreateStoreAsync()
    {
        _database = await TemporaryDatabase.CreateAsync();
        return new PostgreSqlSyncStateStore(_database.Open());
    }

    protected override async Task<ISyncStateStore> ReopenStoreAsync(ISyncStateStore store) =>
        new PostgreSqlSyncStateStore(await _database!.ReopenAsync());
}
