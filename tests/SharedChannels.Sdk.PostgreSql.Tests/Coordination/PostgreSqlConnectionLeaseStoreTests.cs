using System.Diagnostics;
using SharedChannels.Coordination;
using SharedChannels.PostgreSql.Tests.TestSupport;

namespace SharedChannels.PostgreSql.Tests.Coordination;

/// <summary>Two nodes (two storages, two node ids) over one database compete for connection leases.</summary>
[Category("Integration")]
public sealed class PostgreSqlConnectionLeaseStoreTests
{
    private const string Connection = "conn0000000000000000000001";
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    private TemporaryDatabase? _database;
    private PostgreSqlConnectionLeaseStore _nodeA = null!;
    private PostgreSqlConnectionLeaseStore _nodeB = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _database = await TemporaryDatabase.CreateAsync();
        _nodeA = new PostgreSqlConnectionLeaseStore(_database.Open());
        _nodeB = new PostgreSqlConnectionLeaseStore(_database.Open());
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    public async Task MultiNode_TryAcquireAsync_TwoNodesAtOnce_OnlyOneGetsTheLease()
    {
        for (int round = 0; round < 20; round++)
        {
            string connection = $"conn{round:D22}";
            ConnectionLease?[] leases = await Task.WhenAll(
                Task.Run(() => _nodeA.TryAcquireAsync(connection, "node-a", Duration)),
                Task.Run(() => _nodeB.TryAcquireAsync(connection, "node-b", Duration)));

            Assert.That(leases.Count(l => l is not null), Is.EqualTo(1), $"round {round}: exactly one node holds the lease");
        }
    }

    [Test]
    public async Task MultiNode_TryAcquireAsync_HolderAsksAgain_KeepsItsEpoch()
    {
        ConnectionLease? first = await _nodeA.TryAcquireAsync(Connection, "node-a", Duration);
        ConnectionLease? again = await _nodeA.TryAcquireAsync(Connection, "node-a", Duration);
        ConnectionLease? other = await _nodeB.TryAcquireAsync(Connection, "node-b", Duration);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.Not.Null);
            Assert.That(again, Is.EqualTo(first));
            Assert.That(other, Is.Null);
        }
    }

    [Test]
    public async Task MultiNode_RenewAsync_ByANodeThatDoesNotHoldIt_Fails()
    {
        ConnectionLease held = (await _nodeA.TryAcquireAsync(Connection, "node-a", Duration))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _nodeB.RenewAsync(held with { NodeId = "node-b" }, Duration), Is.False, "another node");
            Assert.That(await _nodeB.RenewAsync(held with { Epoch = held.Epoch + 1 }, Duration), Is.False, "another epoch");
            Assert.That(await _nodeA.RenewAsync(held, Duration), Is.True, "the holder");
        }
    }

    [Test]
    public async Task MultiNode_ReleaseAsync_OtherNodeTakesItAtOnceWithANewEpochAndTheOldHolderCannotRenew()
    {
        ConnectionLease held = (await _nodeA.TryAcquireAsync(Connection, "node-a", Duration))!;
        Assert.That(await _nodeB.TryAcquireAsync(Connection, "node-b", Duration), Is.Null, "held by node A");

        await _nodeA.ReleaseAsync(held);
        ConnectionLease? taken = await _nodeB.TryAcquireAsync(Connection, "node-b", Duration);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(taken, Is.Not.Null, "released: taken at once, not after the 30 s lease");
            Assert.That(taken!.Epoch, Is.GreaterThan(held.Epoch));
            Assert.That(await _nodeA.RenewAsync(held, Duration), Is.False, "the old holder lost it");
        }
    }

    [Test]
    public async Task MultiNode_ReleaseAsync_ThenTheSameNodeTakesItAgain_GetsANewEpoch()
    {
        ConnectionLease held = (await _nodeA.TryAcquireAsync(Connection, "node-a", Duration))!;
        await _nodeA.ReleaseAsync(held);

        ConnectionLease? again = await _nodeA.TryAcquireAsync(Connection, "node-a", Duration);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again?.Epoch, Is.GreaterThan(held.Epoch));
            Assert.That(await _nodeA.RenewAsync(held, Duration), Is.False, "the epoch released is over");
        }
    }

    [Test]
    public async Task MultiNode_LeaseNotRenewed_OtherNodeTakesOverWithinTheDurationPlusARenewalInterval()
    {
        // What the keeper does: node A took the lease and died (no more renewals); node B tries every third of the
        // duration. The expiry is the database's: node B's clock plays no part.
        TimeSpan duration = TimeSpan.FromSeconds(1.5);
        TimeSpan interval = duration / 3;
        ConnectionLease held = (await _nodeA.TryAcquireAsync(Connection, "node-a", duration))!;
        var clock = Stopwatch.StartNew();

        ConnectionLease? taken = null;
        while (taken is null && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(interval);
            taken = await _nodeB.TryAcquireAsync(Connection, "node-b", duration);
        }

        TestContext.Out.WriteLine($"Handover after the last renewal: {clock.Elapsed.TotalMilliseconds:F0} ms (lease {duration.TotalMilliseconds:F0} ms, tries every {interval.TotalMilliseconds:F0} ms).");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(taken, Is.Not.Null, "node B took over");
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(duration - TimeSpan.FromMilliseconds(50)), "not before the lease ran out");
            Assert.That(taken!.Epoch, Is.GreaterThan(held.Epoch));
            Assert.That(await _nodeA.RenewAsync(held, duration), Is.False, "node A, back from the dead, must stop");
        }
    }

    [Test]
    public async Task MultiNode_RenewAsync_KeepsTheLeaseFromTheOtherNodeBeyondItsFirstDuration()
    {
        TimeSpan duration = TimeSpan.FromSeconds(1);
        ConnectionLease held = (await _nodeA.TryAcquireAsync(Connection, "node-a", duration))!;
        for (int i = 0; i < 6; i++)
        {
            await Task.Delay(duration / 3);
            Assert.That(await _nodeA.RenewAsync(held, duration), Is.True, $"renewal {i}");
            Assert.That(await _nodeB.TryAcquireAsync(Connection, "node-b", duration), Is.Null, $"after renewal {i}");
        }
    }
}
