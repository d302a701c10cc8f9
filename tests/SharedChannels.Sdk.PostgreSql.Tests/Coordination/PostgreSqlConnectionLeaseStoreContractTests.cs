using SharedChannels.Coordination;
using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Testing;

namespace SharedChannels.PostgreSql.Tests.Coordination;

/// <summary>Runs the IConnectionLeaseStore contract against a database of its own.</summary>
[Category("Integration")]
public sealed class PostgreSqlConnectionLeaseStoreContractTests : ConnectionLeaseStoreContractTests
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

    protected override async Task<IConnectionLeaseStore> CreateStoreAsync()
    {
        _database = await TemporaryDatabase.CreateAsync();
        return new PostgreSqlConnectionLeaseStore(_database.Open());
    }
}
