using SharedChannels.Sqlite.Tests.TestSupport;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.Sqlite.Tests;

/// <summary>Runs the ISharedChannelStore contract against a SQLite file; a restart opens the same file with a new storage.</summary>
[Category("Integration")]
public sealed class SqliteSharedChannelStoreContractTests : SharedChannelStoreContractTests
{
    private TemporaryDatabase? _database;

    [TearDown]
    public void DeleteDatabase() => _database?.Dispose();

    protected override Task<ISharedChannelStore> CreateStoreAsync()
    {
        _database = new TemporaryDatabase();
        return Task.FromResult<ISharedChannelStore>(new SqliteSharedChannelStore(_database.Open()));
    }

    protected override Task<ISharedChannelStore> ReopenStoreAsync(ISharedChannelStore store) =>
        Task.FromResult<ISharedChannelStore>(new SqliteSharedChannelStore(_database!.Reopen()));
}
