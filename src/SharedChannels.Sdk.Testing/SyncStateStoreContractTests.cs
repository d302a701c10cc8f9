using NUnit.Framework;
using SharedChannels.Storage;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="ISyncStateStore"/> must meet. Derive a fixture from it, implement
/// <see cref="StoreContractTests{TStore}.CreateStoreAsync"/> (and, for a durable store,
/// <see cref="StoreContractTests{TStore}.ReopenStoreAsync"/>), and the tests run against your store.
/// </summary>
/// <remarks>Stores must keep cursors exactly, and times to at least the millisecond.</remarks>
public abstract class SyncStateStoreContractTests : StoreContractTests<ISyncStateStore>
{
    // Cursors are opaque and host-defined: whatever characters a host uses must come back unchanged.
    private const string OpaqueCursor = "{\"seq\":4711,\"at\":\"2026-03-14T09:26:53.589Z\",\"tag\":\"é✓ 🙂 'quoted' \\\\ \\u0000\"}";

    /// <summary>A pair with no stored cursor has none.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetCursorAsync_NothingStored_ReturnsNull()
    {
        Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.Null);
    }

    /// <summary>A stored cursor reads back equal, its opaque text unchanged.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetCursorAsync_NewCursor_RoundTrips()
    {
        var cursor = new SyncCursor("channel-1", "remote-a", OpaqueCursor, ContractData.Time(3));

        await Store.SetCursorAsync(cursor);

        Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(cursor));
    }

    /// <summary>Setting the cursor of a pair again replaces it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetCursorAsync_ExistingCursor_OverwritesIt()
    {
        await Store.SetCursorAsync(new SyncCursor("channel-1", "remote-a", "10", ContractData.Time(1)));
        var advanced = new SyncCursor("channel-1", "remote-a", "20", ContractData.Time(2));

        await Store.SetCursorAsync(advanced);

        Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(advanced));
    }

    /// <summary>Cursors are kept per channel and connection: neither the channel nor the connection alone is the key.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetCursorAsync_SeveralPairs_KeepsEachPairApart()
    {
        var first = new SyncCursor("channel-1", "remote-a", "1a", ContractData.Time(1));
        var sameChannel = new SyncCursor("channel-1", "remote-b", "1b", ContractData.Time(2));
        var sameConnection = new SyncCursor("channel-2", "remote-a", "2a", ContractData.Time(3));

        await Store.SetCursorAsync(first);
        await Store.SetCursorAsync(sameChannel);
        await Store.SetCursorAsync(sameConnection);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(first));
            Assert.That(await Store.GetCursorAsync("channel-1", "remote-b"), Is.EqualTo(sameChannel));
            Assert.That(await Store.GetCursorAsync("channel-2", "remote-a"), Is.EqualTo(sameConnection));
            Assert.That(await Store.GetCursorAsync("channel-2", "remote-b"), Is.Null);
        }
    }

    /// <summary>Removing a pair's cursor removes only that cursor.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveCursorAsync_StoredCursor_RemovesOnlyThatPair()
    {
        await Store.SetCursorAsync(new SyncCursor("channel-1", "remote-a", "1a", ContractData.Time(1)));
        var sameChannel = new SyncCursor("channel-1", "remote-b", "1b", ContractData.Time(2));
        var sameConnection = new SyncCursor("channel-2", "remote-a", "2a", ContractData.Time(3));
        await Store.SetCursorAsync(sameChannel);
        await Store.SetCursorAsync(sameConnection);

        await Store.RemoveCursorAsync("channel-1", "remote-a");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.Null);
            Assert.That(await Store.GetCursorAsync("channel-1", "remote-b"), Is.EqualTo(sameChannel));
            Assert.That(await Store.GetCursorAsync("channel-2", "remote-a"), Is.EqualTo(sameConnection));
        }
    }

    /// <summary>Removing a cursor that does not exist does nothing (and does not throw).</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveCursorAsync_NothingStored_DoesNothing()
    {
        var kept = new SyncCursor("channel-1", "remote-a", "1a", ContractData.Time(1));
        await Store.SetCursorAsync(kept);

        await Store.RemoveCursorAsync("channel-1", "remote-b");

        Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(kept));
    }

    /// <summary>A cursor set after its removal starts afresh.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetCursorAsync_AfterRemoval_StoresTheNewCursor()
    {
        await Store.SetCursorAsync(new SyncCursor("channel-1", "remote-a", "10", ContractData.Time(1)));
        await Store.RemoveCursorAsync("channel-1", "remote-a");
        var restarted = new SyncCursor("channel-1", "remote-a", "1", ContractData.Time(2));

        await Store.SetCursorAsync(restarted);

        Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(restarted));
    }

    /// <summary>50 concurrent writers of different pairs all keep their cursor.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetCursorAsync_ConcurrentWritersOfDistinctPairs_AllKept()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Store.SetCursorAsync(new SyncCursor("channel-1", $"remote-{i:D2}", $"cursor-{i}", ContractData.Time(i))))));

        SyncCursor?[] cursors = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Store.GetCursorAsync("channel-1", $"remote-{i:D2}")));

        Assert.That(cursors.Select(c => c?.Cursor), Is.EqualTo(Enumerable.Range(0, 50).Select(i => $"cursor-{i}")));
    }

    /// <summary>50 concurrent writers of one pair leave exactly one of the written cursors, whole.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetCursorAsync_ConcurrentWritersOfOnePair_KeepOneWrittenCursor()
    {
        SyncCursor[] written = [.. Enumerable.Range(0, 50).Select(i => new SyncCursor("channel-1", "remote-a", $"cursor-{i}", ContractData.Time(i)))];

        await Task.WhenAll(written.Select(c => Task.Run(() => Store.SetCursorAsync(c))));

        Assert.That(written, Has.Member(await Store.GetCursorAsync("channel-1", "remote-a")));
    }

    /// <summary>Every method rejects null arguments with <see cref="ArgumentNullException"/>.</summary>
    [Test]
    public void AllMethods_NullArgument_ThrowArgumentNullException()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.GetCursorAsync(null!, "remote-a"), Throws.ArgumentNullException);
            Assert.That(() => Store.GetCursorAsync("channel-1", null!), Throws.ArgumentNullException);
            Assert.That(() => Store.SetCursorAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.RemoveCursorAsync(null!, "remote-a"), Throws.ArgumentNullException);
            Assert.That(() => Store.RemoveCursorAsync("channel-1", null!), Throws.ArgumentNullException);
        }
    }

    /// <summary>Cursors set, overwritten and removed before a restart are seen the same way after it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task Restart_AfterChanges_KeepsCursors()
    {
        var kept = new SyncCursor("channel-1", "remote-a", OpaqueCursor, ContractData.Time(1));
        var overwritten = new SyncCursor("channel-1", "remote-b", "20", ContractData.Time(3));
        await Store.SetCursorAsync(kept);
        await Store.SetCursorAsync(new SyncCursor("channel-1", "remote-b", "10", ContractData.Time(2)));
        await Store.SetCursorAsync(overwritten);
        await Store.SetCursorAsync(new SyncCursor("channel-2", "remote-a", "5", ContractData.Time(4)));
        await Store.RemoveCursorAsync("channel-2", "remote-a");

        await RestartAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetCursorAsync("channel-1", "remote-a"), Is.EqualTo(kept));
            Assert.That(await Store.GetCursorAsync("channel-1", "remote-b"), Is.EqualTo(overwritten));
            Assert.That(await Store.GetCursorAsync("channel-2", "remote-a"), Is.Null);
        }
    }
}
