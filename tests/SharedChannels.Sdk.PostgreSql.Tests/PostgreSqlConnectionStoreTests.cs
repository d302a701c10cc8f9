using Npgsql;
using SharedChannels.PostgreSql.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.PostgreSql.Tests;

/// <summary>Behaviour of the PostgreSQL connection store beyond the shared contract: storage format, precision, collation, processes.</summary>
[Category("Integration")]
public sealed class PostgreSqlConnectionStoreTests
{
    private static readonly DateTimeOffset Created = new(2026, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    private TemporaryDatabase? _database;

    private TemporaryDatabase Database => _database!;

    [SetUp]
    public async Task SetUpAsync() => _database = await TemporaryDatabase.CreateAsync();

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
    public async Task TryAddAsync_Times_AreStoredAsTimestamptzInUtc()
    {
        var store = new PostgreSqlConnectionStore(Database.Open());

        await store.TryAddAsync(Connection("remote-1", "acme") with { CreatedAt = Created.ToOffset(TimeSpan.FromHours(-7)), LastPingAt = null });

        await using NpgsqlConnection raw = await Database.OpenRawAsync();
        List<object?[]> rows = await raw.RowsAsync(
            "SELECT pg_typeof(created_at)::text, created_at, last_ping_at, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM shared_channels.connections;");
        Assert.That(rows.Single(), Is.EqualTo(new object?[] { "timestamp with time zone", Created.UtcDateTime, null, "2026-05-06 07:08:09.123" }));
    }

    [Test]
    public async Task TryAddAsync_SubMicrosecondTime_KeepsWholeMicrosecondsAsUtc()
    {
        var store = new PostgreSqlConnectionStore(Database.Open());

        await store.TryAddAsync(Connection("remote-1", "acme") with { CreatedAt = Created.AddTicks(4_567).ToOffset(TimeSpan.FromHours(2)) });
        ConnectionRecord? stored = await store.GetAsync("remote-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.CreatedAt, Is.EqualTo(Created.AddTicks(4_560)), "456.7 µs after the millisecond keeps 456 µs");
            Assert.That(stored?.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
        }
    }

    [Test]
    public async Task UpdateAsync_NameOfAnotherLiveConnection_ThrowsAlreadyExistsAndKeepsTheRow()
    {
        var store = new PostgreSqlConnectionStore(Database.Open());
        await store.TryAddAsync(Connection("remote-1", "acme"));
        ConnectionRecord beta = Connection("remote-2", "beta");
        await store.TryAddAsync(beta);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => store.UpdateAsync(beta with { Name = "acme" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.AlreadyExists));
            Assert.That(ex.Message, Does.Contain("'acme'").And.Not.Contain(beta.Token));
            Assert.That(await store.GetAsync("remote-2"), Is.EqualTo(beta));
        }
    }

    [Test]
    public async Task TryAddAsync_ConcurrentAddsThroughTwoStoragesOfOneDatabase_ExactlyOneSucceeds()
    {
        // Two storages over one database behave like two nodes: separate pools, one unique index.
        PostgreSqlConnectionStore[] stores = [new(Database.Open()), new(Database.Open())];
        await Task.WhenAll(stores.Select(s => s.ListAsync()));

        bool[] results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => stores[i % 2].TryAddAsync(Connection($"remote-{i:D2}", "acme")))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(r => r), Is.EqualTo(1));
            Assert.That(await stores[1].ListAsync(), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task TryAddAsync_ValueWithNulCharacter_ThrowsInvalidArgumentWithoutTheToken()
    {
        var store = new PostgreSqlConnectionStore(Database.Open());
        ConnectionRecord connection = Connection("remote-1", "acme") with { DisplayName = "Acme\0Corp" };

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => store.TryAddAsync(connection));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.ToString(), Does.Not.Contain(connection.Token));
            Assert.That(await store.ListAsync(), Is.Empty);
        }
    }

    [Test]
    public async Task ListAsync_DatabaseWithALinguisticCollation_StillOrdersIdsOrdinally()
    {
        // The ids are "C"-collated columns: an ICU database collation (which puts "_" and "a" before "B") changes nothing.
        await TearDownAsync();
        try
        {
            _database = await TemporaryDatabase.CreateAsync("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'");
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SyntaxError or PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.InvalidParameterValue)
        {
            Assert.Ignore($"This PostgreSQL cannot create an ICU-collated database: {ex.MessageText}");
        }

        var store = new PostgreSqlConnectionStore(Database.Open());
        foreach (string id in new[] { "a", "B", "_", "b", "A" })
        {
            await store.TryAddAsync(Connection(id, "name-" + id));
        }

        IReadOnlyList<ConnectionRecord> listed = await store.ListAsync();

        Assert.That(listed.Select(c => c.RemoteId), Is.EqualTo(new[] { "A", "B", "_", "a", "b" }));
    }

    private static ConnectionRecord Connection(string remoteId, string name) => new()
    {
        RemoteId = remoteId,
        Name = name,
        DisplayName = name,
        CreatorId = "creator",
        CreatedAt = Created,
        InvitationGeneratedAt = Created,
        Token = "secret-token-" + remoteId,
    };
}
