using NUnit.Framework;
using SharedChannels.Storage;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="IConnectionStore"/> must meet. Derive a fixture from it, implement
/// <see cref="StoreContractTests{TStore}.CreateStoreAsync"/> (and, for a durable store,
/// <see cref="StoreContractTests{TStore}.ReopenStoreAsync"/>), and the tests run against your store.
/// </summary>
/// <remarks>Stores must keep times to at least the millisecond; the suite only uses whole milliseconds.</remarks>
public abstract partial class ConnectionStoreContractTests : StoreContractTests<IConnectionStore>
{
    /// <summary>Adding a new connection succeeds and every field reads back equal, secrets included.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_NewConnection_ReturnsTrueAndRoundTripsEveryField()
    {
        ConnectionRecord connection = ContractData.FullConnection("remote-1", "acme");

        bool added = await Store.TryAddAsync(connection);
        ConnectionRecord? stored = await Store.GetAsync("remote-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(added, Is.True);
            Assert.That(stored, Is.EqualTo(connection));
            Assert.That(stored?.Token, Is.EqualTo(connection.Token));
            Assert.That(stored?.RemoteToken, Is.EqualTo(connection.RemoteToken));
        }
    }

    /// <summary>A connection with only its required fields reads back with the same nulls and defaults.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_MinimalConnection_RoundTripsNullsAndDefaults()
    {
        ConnectionRecord connection = ContractData.MinimalConnection("remote-1", "acme");

        await Store.TryAddAsync(connection);
        ConnectionRecord? stored = await Store.GetAsync("remote-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored, Is.EqualTo(connection));
            Assert.That(stored?.SiteUrl, Is.Null);
            Assert.That(stored?.RemoteToken, Is.Null);
            Assert.That(stored?.LastPingAt, Is.Null);
            Assert.That(stored?.DeletedAt, Is.Null);
            Assert.That(stored?.DefaultTeamId, Is.Empty);
        }
    }

    /// <summary>Times given with a non-UTC offset read back as the same instants.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_TimesWithOffset_RoundTripAsTheSameInstants()
    {
        var offset = TimeSpan.FromHours(5.5);
        ConnectionRecord connection = ContractData.FullConnection("remote-1", "acme") with
        {
            CreatedAt = ContractData.Time(0).ToOffset(offset),
            InvitationGeneratedAt = ContractData.Time(1).ToOffset(offset),
            LastPingAt = ContractData.Time(2).ToOffset(offset),
            DeletedAt = ContractData.Time(3).ToOffset(offset),
        };

        await Store.TryAddAsync(connection);
        ConnectionRecord? stored = await Store.GetAsync("remote-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.CreatedAt.UtcDateTime, Is.EqualTo(ContractData.Time(0).UtcDateTime));
            Assert.That(stored?.InvitationGeneratedAt.UtcDateTime, Is.EqualTo(ContractData.Time(1).UtcDateTime));
            Assert.That(stored?.LastPingAt?.UtcDateTime, Is.EqualTo(ContractData.Time(2).UtcDateTime));
            Assert.That(stored?.DeletedAt?.UtcDateTime, Is.EqualTo(ContractData.Time(3).UtcDateTime));
        }
    }

    /// <summary>An id that is taken cannot be added again, and the stored connection is left as it was.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_TakenId_ReturnsFalseAndKeepsTheStoredConnection()
    {
        ConnectionRecord original = ContractData.FullConnection("remote-1", "acme");
        await Store.TryAddAsync(original);

        bool added = await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "other-name", createdMinute: 5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(added, Is.False);
            Assert.That(await Store.GetAsync("remote-1"), Is.EqualTo(original));
            Assert.That(await Store.ListAsync(), Has.Count.EqualTo(1));
        }
    }

    /// <summary>The id of a deleted connection stays taken: deletion is soft.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_IdOfDeletedConnection_ReturnsFalse()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme") with { DeletedAt = ContractData.Time(1) });

        bool added = await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "other-name"));

        Assert.That(added, Is.False);
    }

    /// <summary>A name used by a connection that is not deleted cannot be used by another one.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_NameOfLiveConnection_ReturnsFalseAndAddsNothing()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));

        bool added = await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "acme"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(added, Is.False);
            Assert.That(await Store.GetAsync("remote-2"), Is.Null);
            Assert.That(await Store.ListAsync(), Has.Count.EqualTo(1));
        }
    }

    /// <summary>The name check looks at the stored connections only: a deleted newcomer still may not take a live name.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_DeletedConnectionWithNameOfLiveConnection_ReturnsFalse()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));

        bool added = await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "acme") with { DeletedAt = ContractData.Time(1) });

        Assert.That(added, Is.False);
    }

    /// <summary>The name of a deleted connection may be reused; both connections are kept.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_NameOfDeletedConnection_ReturnsTrueAndKeepsBoth()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme") with { DeletedAt = ContractData.Time(1) });

        bool added = await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "acme", createdMinute: 2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(added, Is.True);
            Assert.That((await Store.ListAsync()).Select(c => c.RemoteId), Is.EqualTo(new[] { "remote-1", "remote-2" }));
        }
    }

    /// <summary>Two deleted connections may share a name.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_NameOfDeletedConnectionAddedDeleted_ReturnsTrue()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme") with { DeletedAt = ContractData.Time(1) });

        bool added = await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "acme") with { DeletedAt = ContractData.Time(2) });

        Assert.That(added, Is.True);
    }

    /// <summary>Of 50 concurrent adds with the same name, exactly one succeeds.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_ConcurrentAddsWithSameName_ExactlyOneSucceeds()
    {
        bool[] results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Store.TryAddAsync(ContractData.MinimalConnection($"remote-{i:D2}", "acme")))));

        IReadOnlyList<ConnectionRecord> stored = await Store.ListAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(r => r), Is.EqualTo(1));
            Assert.That(stored, Has.Count.EqualTo(1));
            Assert.That(stored[0].RemoteId, Is.EqualTo($"remote-{Array.IndexOf(results, true):D2}"));
        }
    }

    /// <summary>50 concurrent adds of different connections all succeed and none is lost.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryAddAsync_ConcurrentAddsOfDistinctConnections_AllSucceed()
    {
        bool[] results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Store.TryAddAsync(ContractData.MinimalConnection($"remote-{i:D2}", $"name-{i:D2}")))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results, Is.All.True);
            Assert.That(await Store.ListAsync(), Has.Count.EqualTo(50));
        }
    }

    /// <summary>Getting an id that was never added returns null.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));

        Assert.That(await Store.GetAsync("remote-2"), Is.Null);
    }

    /// <summary>Deleted connections are still returned by id.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetAsync_DeletedConnection_ReturnsIt()
    {
        ConnectionRecord deleted = ContractData.FullConnection("remote-1", "acme") with { DeletedAt = ContractData.Time(9) };
        await Store.TryAddAsync(deleted);

        Assert.That(await Store.GetAsync("remote-1"), Is.EqualTo(deleted));
    }

    /// <summary>An empty store lists nothing.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListAsync_EmptyStore_ReturnsEmpty()
    {
        Assert.That(await Store.ListAsync(), Is.Empty);
    }

    /// <summary>Every connection is listed, deleted ones included, by creation time and then by id.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListAsync_SeveralConnections_ReturnsAllByCreationTimeThenId()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("b", "name-b", createdMinute: 2));
        await Store.TryAddAsync(ContractData.MinimalConnection("z", "name-z", createdMinute: 1));
        await Store.TryAddAsync(ContractData.MinimalConnection("a", "name-a", createdMinute: 1));
        await Store.TryAddAsync(ContractData.MinimalConnection("m", "name-m", createdMinute: 0) with { DeletedAt = ContractData.Time(3) });

        IReadOnlyList<ConnectionRecord> listed = await Store.ListAsync();

        Assert.That(listed.Select(c => c.RemoteId), Is.EqualTo(new[] { "m", "a", "z", "b" }));
    }
}
