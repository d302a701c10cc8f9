using SharedChannels.Sqlite.Tests.TestSupport;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.Sqlite.Tests;

/// <summary>Runs the IConnectionStore contract against a SQLite file; a restart opens the same file with a new storage.</summary>
[Category("Integration")]
public sealed class SqliteConnectionStoreContractTests : ConnectionStoreContractTests
{
    private TemporaryDatabase? _database;

    [TearDown]
    public void DeleteDatabase() => _database?.Dispose();

    protected override Task<IConnectionStore> CreateStoreAsync()
    {
        _database = new TemporaryDatabase();
        return Task.FromResult<IConnectionStore>(new SqliteConnectionStore(_database.Open()));
    }

    protected override Task<IConnectionStore> ReopenStoreAsync(IConnectionStore store) =>
        Task.FromResult<IConnectionStore>(new SqliteConnectionStore(_database!.Reopen()));
}
