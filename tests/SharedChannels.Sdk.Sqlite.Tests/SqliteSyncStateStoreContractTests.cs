using SharedChannels.Sqlite.Tests.TestSupport;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.Sqlite.Tests;

/// <summary>Runs the ISyncStateStore contract against a SQLite file; a restart opens the same file with a new storage.</summary>
[Category("Integration")]
public sealed class SqliteSyncStateStoreContractTests : SyncStateStoreContractTests
{
    private TemporaryDatabase? _database;

    [TearDown]
    public void DeleteDatabase() => _database?.Dispose();

    protected override Task<ISyncStateStore> CreateStoreAsync()
    {
        _database = new TemporaryDatabase();
        return Task.FromResult<ISyncStateStore>(new SqliteSyncStateStore(_database.Open()));
    }

    protected override Task<ISyncStateStore> ReopenStoreAsync(ISyncStateStore store) =>
        Task.FromResult<ISyncStateStore>(new SqliteSyncStateStore(_database!.Reopen()));
}
