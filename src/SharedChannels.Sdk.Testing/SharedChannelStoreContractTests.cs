using NUnit.Framework;
using SharedChannels.Content;
using SharedChannels.Storage;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="ISharedChannelStore"/> must meet. Derive a fixture from it, implement
/// <see cref="StoreContractTests{TStore}.CreateStoreAsync"/> (and, for a durable store,
/// <see cref="StoreContractTests{TStore}.ReopenStoreAsync"/>), and the tests run against your store.
/// </summary>
/// <remarks>Stores must keep times to at least the millisecond; the suite only uses whole milliseconds.</remarks>
public abstract class SharedChannelStoreContractTests : StoreContractTests<ISharedChannelStore>
{
    /// <summary>A channel that was never shared is not found.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetChannelAsync_UnknownChannel_ReturnsNull()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));

        Assert.That(await Store.GetChannelAsync("channel-2"), Is.Null);
    }

    /// <summary>Every field of a new shared channel reads back equal, for every kind of channel, homed here or not.</summary>
    /// <param name="type">The kind of channel.</param>
    /// <param name="homedHere">Whether this workspace is the channel's home.</param>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertChannelAsync_NewChannel_RoundTripsEveryField([Values] ChannelType type, [Values] bool homedHere)
    {
        SharedChannel channel = ContractData.Channel("channel-1", type: type, homeConnectionId: homedHere ? null : "remote-1");

        await Store.UpsertChannelAsync(channel);
        SharedChannel? stored = await Store.GetChannelAsync("channel-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored, Is.EqualTo(channel));
            Assert.That(stored?.IsHome, Is.EqualTo(homedHere));
        }
    }

    /// <summary>A channel with only its required fields reads back with the same defaults.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertChannelAsync_MinimalChannel_RoundTripsDefaults()
    {
        var channel = new SharedChannel { ChannelId = "channel-1", CreatedAt = ContractData.Time(0) };

        await Store.UpsertChannelAsync(channel);

        Assert.That(await Store.GetChannelAsync("channel-1"), Is.EqualTo(channel));
    }

    /// <summary>Upserting a channel that is stored replaces every field.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertChannelAsync_ExistingChannel_ReplacesIt()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        SharedChannel replacement = ContractData.Channel("channel-1", createdMinute: 5, type: ChannelType.Open, homeConnectionId: null) with
        {
            TeamId = "team-2",
            Name = "renamed",
            DisplayName = "Renamed",
            ReadOnly = false,
            CreatorId = "someone-else",
        };

        await Store.UpsertChannelAsync(replacement);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetChannelAsync("channel-1"), Is.EqualTo(replacement));
            Assert.That(await Store.ListChannelsAsync(), Has.Count.EqualTo(1));
        }
    }

    /// <summary>An empty store lists no channels.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListChannelsAsync_EmptyStore_ReturnsEmpty()
    {
        Assert.That(await Store.ListChannelsAsync(), Is.Empty);
    }

    /// <summary>Channels are listed by creation time and then by id.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListChannelsAsync_SeveralChannels_ReturnsAllByCreationTimeThenId()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("b", createdMinute: 2));
        await Store.UpsertChannelAsync(ContractData.Channel("z", createdMinute: 1));
        await Store.UpsertChannelAsync(ContractData.Channel("a", createdMinute: 1));
        await Store.UpsertChannelAsync(ContractData.Channel("m", createdMinute: 0));

        IReadOnlyList<SharedChannel> listed = await Store.ListChannelsAsync();

        Assert.That(listed.Select(c => c.ChannelId), Is.EqualTo(new[] { "m", "a", "z", "b" }));
    }

    /// <summary>Removing a shared channel removes it and all of its remotes, and nothing of other channels.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveChannelAsync_SharedChannel_ReturnsTrueAndRemovesItAndItsRemotes()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        await Store.UpsertChannelAsync(ContractData.Channel("channel-2"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-a"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-b"));
        SharedChannelRemote otherChannelRemote = ContractData.Remote("channel-2", "remote-a");
        await Store.UpsertRemoteAsync(otherChannelRemote);

        bool removed = await Store.RemoveChannelAsync("channel-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed, Is.True);
            Assert.That(await Store.GetChannelAsync("channel-1"), Is.Null);
            Assert.That(await Store.ListRemotesAsync("channel-1"), Is.Empty);
            Assert.That(await Store.GetRemoteAsync("channel-1", "remote-a"), Is.Null);
            Assert.That(await Store.ListRemotesByConnectionAsync("remote-a"), Is.EqualTo(new[] { otherChannelRemote }));
            Assert.That((await Store.ListChannelsAsync()).Select(c => c.ChannelId), Is.EqualTo(new[] { "channel-2" }));
        }
    }

    /// <summary>Removing a channel that is not shared returns false and changes nothing.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveChannelAsync_UnknownChannel_ReturnsFalse()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));

        bool removed = await Store.RemoveChannelAsync("channel-2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed, Is.False);
            Assert.That(await Store.ListChannelsAsync(), Has.Count.EqualTo(1));
        }
    }

    /// <summary>A remote that was never added is not found.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetRemoteAsync_UnknownRemote_ReturnsNull()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-a"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetRemoteAsync("channel-1", "remote-b"), Is.Null);
            Assert.That(await Store.GetRemoteAsync("channel-2", "remote-a"), Is.Null);
        }
    }

    /// <summary>Every field of a new remote reads back equal.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertRemoteAsync_NewRemote_RoundTripsEveryField()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        SharedChannelRemote remote = ContractData.Remote("channel-1", "remote-a");

        await Store.UpsertRemoteAsync(remote);

        Assert.That(await Store.GetRemoteAsync("channel-1", "remote-a"), Is.EqualTo(remote));
    }

    /// <summary>A remote with only its required fields reads back with the same defaults.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertRemoteAsync_MinimalRemote_RoundTripsDefaults()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        var remote = new SharedChannelRemote { ChannelId = "channel-1", ConnectionId = "remote-a", CreatedAt = ContractData.Time(0) };

        await Store.UpsertRemoteAsync(remote);

        Assert.That(await Store.GetRemoteAsync("channel-1", "remote-a"), Is.EqualTo(remote));
    }

    /// <summary>Upserting a remote that is stored (same channel and connection) replaces every field.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertRemoteAsync_ExistingRemote_ReplacesIt()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-a"));
        SharedChannelRemote replacement = ContractData.Remote("channel-1", "remote-a", createdMinute: 4) with
        {
            ReadOnly = false,
            InvitationAccepted = false,
            CreatorId = "someone-else",
        };

        await Store.UpsertRemoteAsync(replacement);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetRemoteAsync("channel-1", "remote-a"), Is.EqualTo(replacement));
            Assert.That(await Store.ListRemotesAsync("channel-1"), Is.EqualTo(new[] { replacement }));
        }
    }

    /// <summary>A channel's remotes are listed alone, by creation time and then by connection id.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListRemotesAsync_SeveralChannels_ReturnsThatChannelsRemotesByCreationTimeThenConnection()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        await Store.UpsertChannelAsync(ContractData.Channel("channel-2"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "b", createdMinute: 2));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "z", createdMinute: 1));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "a", createdMinute: 1));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-2", "c", createdMinute: 0));

        IReadOnlyList<SharedChannelRemote> listed = await Store.ListRemotesAsync("channel-1");

        Assert.That(listed.Select(r => r.ConnectionId), Is.EqualTo(new[] { "a", "z", "b" }));
    }

    /// <summary>A channel without remotes, or not shared at all, lists no remotes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListRemotesAsync_ChannelWithoutRemotes_ReturnsEmpty()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        await Store.UpsertChannelAsync(ContractData.Channel("channel-2"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-2", "remote-a"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.ListRemotesAsync("channel-1"), Is.Empty);
            Assert.That(await Store.ListRemotesAsync("channel-3"), Is.Empty);
        }
    }

    /// <summary>A connection's remotes are listed alone, by creation time and then by channel id.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListRemotesByConnectionAsync_SeveralConnections_ReturnsThatConnectionsRemotesByCreationTimeThenChannel()
    {
        foreach (string channelId in new[] { "b", "z", "a", "c" })
        {
            await Store.UpsertChannelAsync(ContractData.Channel(channelId));
        }

        await Store.UpsertRemoteAsync(ContractData.Remote("b", "remote-a", createdMinute: 2));
        await Store.UpsertRemoteAsync(ContractData.Remote("z", "remote-a", createdMinute: 1));
        await Store.UpsertRemoteAsync(ContractData.Remote("a", "remote-a", createdMinute: 1));
        await Store.UpsertRemoteAsync(ContractData.Remote("c", "remote-b", createdMinute: 0));

        IReadOnlyList<SharedChannelRemote> listed = await Store.ListRemotesByConnectionAsync("remote-a");

        Assert.That(listed.Select(r => r.ChannelId), Is.EqualTo(new[] { "a", "z", "b" }));
    }

    /// <summary>A connection no channel is shared with lists no remotes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListRemotesByConnectionAsync_UnknownConnection_ReturnsEmpty()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-a"));

        Assert.That(await Store.ListRemotesByConnectionAsync("remote-b"), Is.Empty);
    }

    /// <summary>Removing a remote removes only it; the channel and its other remotes stay.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveRemoteAsync_ExistingRemote_ReturnsTrueAndKeepsTheOthers()
    {
        SharedChannel channel = ContractData.Channel("channel-1");
        await Store.UpsertChannelAsync(channel);
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-a"));
        SharedChannelRemote other = ContractData.Remote("channel-1", "remote-b");
        await Store.UpsertRemoteAsync(other);

        bool removed = await Store.RemoveRemoteAsync("channel-1", "remote-a");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed, Is.True);
            Assert.That(await Store.GetRemoteAsync("channel-1", "remote-a"), Is.Null);
            Assert.That(await Store.ListRemotesAsync("channel-1"), Is.EqualTo(new[] { other }));
            Assert.That(await Store.GetChannelAsync("channel-1"), Is.EqualTo(channel));
        }
    }

    /// <summary>Removing a remote that was never added returns false.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveRemoteAsync_UnknownRemote_ReturnsFalse()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-a"));

        bool removed = await Store.RemoveRemoteAsync("channel-1", "remote-b");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed, Is.False);
            Assert.That(await Store.ListRemotesAsync("channel-1"), Has.Count.EqualTo(1));
        }
    }

    /// <summary>50 concurrent upserts of different remotes of one channel are all kept.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertRemoteAsync_ConcurrentRemotes_AllKept()
    {
        await Store.UpsertChannelAsync(ContractData.Channel("channel-1"));

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Store.UpsertRemoteAsync(ContractData.Remote("channel-1", $"remote-{i:D2}")))));

        Assert.That(await Store.ListRemotesAsync("channel-1"), Has.Count.EqualTo(50));
    }

    /// <summary>Every method rejects null arguments with <see cref="ArgumentNullException"/>.</summary>
    [Test]
    public void AllMethods_NullArgument_ThrowArgumentNullException()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Store.GetChannelAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.UpsertChannelAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.RemoveChannelAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.GetRemoteAsync(null!, "remote-a"), Throws.ArgumentNullException);
            Assert.That(() => Store.GetRemoteAsync("channel-1", null!), Throws.ArgumentNullException);
            Assert.That(() => Store.ListRemotesAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.ListRemotesByConnectionAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.UpsertRemoteAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => Store.RemoveRemoteAsync(null!, "remote-a"), Throws.ArgumentNullException);
            Assert.That(() => Store.RemoveRemoteAsync("channel-1", null!), Throws.ArgumentNullException);
        }
    }

    /// <summary>Channels and remotes written before a restart, and removals, are all visible after it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task Restart_AfterChanges_KeepsChannelsAndRemotes()
    {
        SharedChannel home = ContractData.Channel("channel-1", homeConnectionId: null);
        SharedChannel received = ContractData.Channel("channel-2", createdMinute: 1, type: ChannelType.Open, homeConnectionId: "remote-a");
        SharedChannelRemote remote = ContractData.Remote("channel-1", "remote-b");
        await Store.UpsertChannelAsync(home);
        await Store.UpsertChannelAsync(received);
        await Store.UpsertChannelAsync(ContractData.Channel("channel-3", createdMinute: 2));
        await Store.UpsertRemoteAsync(remote);
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-1", "remote-c"));
        await Store.UpsertRemoteAsync(ContractData.Remote("channel-3", "remote-b"));
        await Store.RemoveRemoteAsync("channel-1", "remote-c");
        await Store.RemoveChannelAsync("channel-3");

        await RestartAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.ListChannelsAsync(), Is.EqualTo(new[] { home, received }));
            Assert.That(await Store.ListRemotesAsync("channel-1"), Is.EqualTo(new[] { remote }));
            Assert.That(await Store.ListRemotesByConnectionAsync("remote-b"), Is.EqualTo(new[] { remote }));
        }
    }
}
