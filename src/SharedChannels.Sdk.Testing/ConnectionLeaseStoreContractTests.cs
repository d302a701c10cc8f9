using NUnit.Framework;
using SharedChannels.Coordination;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="IConnectionLeaseStore"/> must meet: at most one node holds a connection's lease, a
/// lease that runs out or is released can be taken by another node with a greater epoch, and only the holder renews.
/// Derive a fixture from it and implement <see cref="StoreContractTests{TStore}.CreateStoreAsync"/>; the nodes are told
/// apart by their ids, as nodes sharing one database are.
/// </summary>
/// <remarks>One test waits for a one-second lease to run out on the store's own clock (a few seconds of real time).</remarks>
public abstract class ConnectionLeaseStoreContractTests : StoreContractTests<IConnectionLeaseStore>
{
    private const string Connection = "conn0000000000000000000001";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    /// <summary>A free lease is granted to the node asking, for the connection asked.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAcquireAsync_FreeLease_GrantsIt()
    {
        ConnectionLease? lease = await Store.TryAcquireAsync(Connection, "node-a", Long);

        Assert.That(lease, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lease!.ConnectionId, Is.EqualTo(Connection));
            Assert.That(lease.NodeId, Is.EqualTo("node-a"));
        }
    }

    /// <summary>A lease held by one node is not granted to another, whatever the connection's other leases do.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAcquireAsync_HeldByAnotherNode_IsRefusedButOtherConnectionsAreNot()
    {
        await Store.TryAcquireAsync(Connection, "node-a", Long);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.TryAcquireAsync(Connection, "node-b", Long), Is.Null);
            Assert.That(await Store.TryAcquireAsync("conn0000000000000000000002", "node-b", Long), Is.Not.Null);
        }
    }

    /// <summary>The holder asking again gets its lease back with the same epoch.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAcquireAsync_HolderAsksAgain_KeepsTheEpoch()
    {
        ConnectionLease? first = await Store.TryAcquireAsync(Connection, "node-a", Long);

        Assert.That(await Store.TryAcquireAsync(Connection, "node-a", Long), Is.EqualTo(first));
    }

    /// <summary>Only the holder, with the epoch it was granted, renews.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RenewAsync_OnlyTheHolderWithItsEpoch_Succeeds()
    {
        ConnectionLease held = (await Store.TryAcquireAsync(Connection, "node-a", Long))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.RenewAsync(held, Long), Is.True);
            Assert.That(await Store.RenewAsync(held with { NodeId = "node-b" }, Long), Is.False, "another node");
            Assert.That(await Store.RenewAsync(held with { Epoch = held.Epoch + 1 }, Long), Is.False, "another epoch");
        }
    }

    /// <summary>A released lease is taken by another node at once, with a greater epoch, and the old holder cannot renew it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReleaseAsync_AnotherNodeTakesItAtOnce()
    {
        ConnectionLease held = (await Store.TryAcquireAsync(Connection, "node-a", Long))!;

        await Store.ReleaseAsync(held);
        ConnectionLease? taken = await Store.TryAcquireAsync(Connection, "node-b", Long);

        Assert.That(taken, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(taken!.Epoch, Is.GreaterThan(held.Epoch));
            Assert.That(await Store.RenewAsync(held, Long), Is.False);
        }
    }

    /// <summary>Releasing a lease already lost leaves the new holder's lease alone.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ReleaseAsync_LeaseAlreadyLost_DoesNothing()
    {
        ConnectionLease old = (await Store.TryAcquireAsync(Connection, "node-a", Long))!;
        await Store.ReleaseAsync(old);
        ConnectionLease current = (await Store.TryAcquireAsync(Connection, "node-b", Long))!;

        await Store.ReleaseAsync(old);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.RenewAsync(current, Long), Is.True);
            Assert.That(await Store.TryAcquireAsync(Connection, "node-a", Long), Is.Null);
        }
    }

    /// <summary>A lease not renewed runs out, and another node then takes it with a greater epoch; not before.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAcquireAsync_LeaseRanOut_AnotherNodeTakesIt()
    {
        TimeSpan brief = TimeSpan.FromSeconds(1);
        ConnectionLease held = (await Store.TryAcquireAsync(Connection, "node-a", brief))!;
        long started = TimeProvider.System.GetTimestamp();
        Assert.That(await Store.TryAcquireAsync(Connection, "node-b", brief), Is.Null, "still held");

        ConnectionLease? taken = null;
        while (taken is null && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System).ConfigureAwait(false);
            taken = await Store.TryAcquireAsync(Connection, "node-b", brief);
        }

        Assert.That(taken, Is.Not.Null, "taken once it ran out");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TimeProvider.System.GetElapsedTime(started), Is.GreaterThanOrEqualTo(brief - TimeSpan.FromMilliseconds(100)), "not before");
            Assert.That(taken!.Epoch, Is.GreaterThan(held.Epoch));
            Assert.That(await Store.RenewAsync(held, brief), Is.False, "the old holder lost it");
        }
    }
}
