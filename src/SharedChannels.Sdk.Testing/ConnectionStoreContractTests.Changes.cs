using NUnit.Framework;
using SharedChannels.Storage;

namespace SharedChannels.Testing;

/// <content>Changing stored connections: update, soft delete, last ping, removal, tokens kept out of text, null arguments, restarts.</content>
public abstract partial class ConnectionStoreContractTests
{
    /// <summary>Updating a stored connection replaces every field.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpdateAsync_ExistingConnection_ReplacesEveryFieldAndReturnsTrue()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));
        ConnectionRecord replacement = ContractData.FullConnection("remote-1", "acme-renamed", createdMinute: 7) with
        {
            IsInviter = false,
            Token = "rotated-token",
            RemoteToken = "rotated-remote-token",
        };

        bool updated = await Store.UpdateAsync(replacement);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(updated, Is.True);
            Assert.That(await Store.GetAsync("remote-1"), Is.EqualTo(replacement));
        }
    }

    /// <summary>Updating a connection back to defaults clears the optional fields.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpdateAsync_OptionalFieldsCleared_StoresNulls()
    {
        await Store.TryAddAsync(ContractData.FullConnection("remote-1", "acme"));
        ConnectionRecord cleared = ContractData.MinimalConnection("remote-1", "acme");

        await Store.UpdateAsync(cleared);

        Assert.That(await Store.GetAsync("remote-1"), Is.EqualTo(cleared));
    }

    /// <summary>Updating an id that was never added returns false and adds nothing.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpdateAsync_UnknownId_ReturnsFalseAndAddsNothing()
    {
        bool updated = await Store.UpdateAsync(ContractData.MinimalConnection("remote-1", "acme"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(updated, Is.False);
            Assert.That(await Store.GetAsync("remote-1"), Is.Null);
            Assert.That(await Store.ListAsync(), Is.Empty);
        }
    }

    /// <summary>Soft-deleting a connection through an update frees its name for a new connection.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpdateAsync_SoftDelete_FreesTheNameForANewConnection()
    {
        ConnectionRecord connection = ContractData.MinimalConnection("remote-1", "acme");
        await Store.TryAddAsync(connection);

        await Store.UpdateAsync(connection with { DeletedAt = ContractData.Time(4) });
        bool added = await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "acme", createdMinute: 5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(added, Is.True);
            Assert.That((await Store.GetAsync("remote-1"))?.DeletedAt, Is.EqualTo(ContractData.Time(4)));
        }
    }

    /// <summary>Recording a ping sets the last ping time and leaves every other field alone.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetLastPingAsync_ExistingConnection_SetsOnlyLastPingAt()
    {
        ConnectionRecord connection = ContractData.FullConnection("remote-1", "acme");
        await Store.TryAddAsync(connection);

        await Store.SetLastPingAsync("remote-1", ContractData.Time(30));

        Assert.That(await Store.GetAsync("remote-1"), Is.EqualTo(connection with { LastPingAt = ContractData.Time(30) }));
    }

    /// <summary>Recording a ping on a connection that never pinged sets the time.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetLastPingAsync_NeverPinged_SetsLastPingAt()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));

        await Store.SetLastPingAsync("remote-1", ContractData.Time(30));

        Assert.That((await Store.GetAsync("remote-1"))?.LastPingAt, Is.EqualTo(ContractData.Time(30)));
    }

    /// <summary>Recording a ping for an unknown id does nothing (and does not throw).</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetLastPingAsync_UnknownId_AddsNothing()
    {
        await Store.SetLastPingAsync("remote-1", ContractData.Time(30));

        Assert.That(await Store.ListAsync(), Is.Empty);
    }

    /// <summary>Removing a connection deletes its row, which frees both its id and its name.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveAsync_ExistingConnection_ReturnsTrueAndFreesIdAndName()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "other"));

        bool removed = await Store.RemoveAsync("remote-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed, Is.True);
            Assert.That(await Store.GetAsync("remote-1"), Is.Null);
            Assert.That((await Store.ListAsync()).Select(c => c.RemoteId), Is.EqualTo(new[] { "remote-2" }));
            Assert.That(await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme")), Is.True);
        }
    }

    /// <summary>Removing an id that was never added returns false.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveAsync_UnknownId_ReturnsFalse()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));

        bool removed = await Store.RemoveAsync("remote-2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed, Is.False);
            Assert.That(await Store.ListAsync(), Has.Count.EqualTo(1));
        }
    }

    /// <summary>A connection read from the store does not reveal its tokens when printed.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ToString_StoredConnection_DoesNotRevealTokens()
    {
        ConnectionRecord connection = ContractData.FullConnection("remote-1", "acme");
        await Store.TryAddAsync(connection);

        string? printed = (await Store.GetAsync("remote-1"))?.ToString();

        Assert.That(printed, Does.Contain("remote-1").And.Not.Contain(connection.Token).And.Not.Contain(connection.RemoteToken!));
    }

    /// <summary>Every method rejects null arguments with <see cref="ArgumentNullException"/>.</summary>
    [Test]
    public void AllMethods_NullArgument_ThrowArgumentNullException()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.TryAddAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.GetAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.UpdateAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.SetLastPingAsync(null!, ContractData.Time(0)), Throws.ArgumentNullException);
            Assert.That(() => Store.RemoveAsync(null!), Throws.ArgumentNullException);
        }
    }

    /// <summary>Connections, updates, pings and removals made before a restart are all visible after it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task Restart_AfterChanges_KeepsEveryConnection()
    {
        ConnectionRecord kept = ContractData.FullConnection("remote-1", "acme");
        ConnectionRecord updated = ContractData.MinimalConnection("remote-2", "beta", createdMinute: 1) with { DeletedAt = ContractData.Time(8) };
        await Store.TryAddAsync(kept);
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "beta", createdMinute: 1));
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-3", "gamma", createdMinute: 2));
        await Store.UpdateAsync(updated);
        await Store.SetLastPingAsync("remote-1", ContractData.Time(9));
        await Store.RemoveAsync("remote-3");

        await RestartAsync();

        Assert.That(await Store.ListAsync(), Is.EqualTo(new[] { kept with { LastPingAt = ContractData.Time(9) }, updated }));
    }

    /// <summary>After a restart, a name in use is still refused and a freed name still accepted.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task Restart_NameRules_StillApply()
    {
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-1", "acme"));
        await Store.TryAddAsync(ContractData.MinimalConnection("remote-2", "beta") with { DeletedAt = ContractData.Time(1) });

        await RestartAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.TryAddAsync(ContractData.MinimalConnection("remote-3", "acme")), Is.False);
            Assert.That(await Store.TryAddAsync(ContractData.MinimalConnection("remote-4", "beta")), Is.True);
        }
    }
}
