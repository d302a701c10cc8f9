using SharedChannels.Coordination;
using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Testing;

namespace SharedChannels.PostgreSql.Tests.Coordination;

/// <summary>Runs the IInboundFrameLog contract against a database of its own.</summary>
[Category("Integration")]
public sealed class PostgreSqlInboundFrameLogContractTests : InboundFrameLogContractTests
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

    protected override async Task<IInboundFrameLog> CreateStoreAsync()
    {
        _database = await TemporaryDatabase.CreateAsync();
        return new PostgreSqlInboundFrameLog(_database.Open());
    }
}
