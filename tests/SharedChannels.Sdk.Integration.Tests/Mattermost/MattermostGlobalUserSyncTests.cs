using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>
/// Global user sync (topic <c>sharedchannel_global_user_sync</c>) between the sample host and a peer that behaves as
/// Mattermost's <c>syncAllUsers</c> and <c>processSyncMessage</c> do.
/// </summary>
[Category("Integration")]
public sealed class MattermostGlobalUserSyncTests
{
    private SampleHostAndMattermostPeer _world = null!;

    private MattermostPeer Peer => _world.Peer;

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [Test]
    public async Task GlobalUserSync_FromMattermost_CreatesTheUsersOnTheHostAndMovesMattermostsCursor()
    {
        _world = await SampleHostAndMattermostPeer.StartAsync(new MattermostPeerOptions { EnableGlobalUserSync = true });
        await _world.ConnectPeerInvitesAsync();
        string[] names = [.. Enumerable.Range(1, 30).Select(i => $"mmuser{i:D2}")];
        foreach (string name in names)
        {
            Peer.CreateUser(name);
        }

        await Peer.SyncGlobalUsersAsync(_world.ConnectionId);

        IReadOnlyList<UserView> onHost = await _world.Chat.ListUsersAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onHost.Where(u => u.IsRemote).Select(u => u.Username), Is.SupersetOf(names), "every user of both batches (25 + 5)");
            Assert.That(Peer.Read(p => p.RemoteClusters[_world.ConnectionId].LastGlobalUserSyncAt), Is.GreaterThan(0), "the host answered with a sync response, so Mattermost's cursor moved");
            Assert.That(Peer.Read(p => p.Outbound.Where(o => o.Topic == MattermostPeer.TopicGlobalUserSync).Select(o => o.Body).ToList()), Has.All.Contains("\"status\":\"OK\""));
        }
    }

    [Test]
    public async Task GlobalUserSync_FromHostWithSyncUsersOnConnectionOpen_MattermostGetsEveryLocalUserOnce()
    {
        _world = await SampleHostAndMattermostPeer.StartAsync(new MattermostPeerOptions { EnableGlobalUserSync = true }, o => o.SyncUsersOnConnectionOpen = true);

        await _world.ConnectPeerInvitesAsync();

        string[] hostUsers = [_world.Admin.Id, _world.John.Id];
        await _world.WaitUntilAsync("the host's users on Mattermost", () => Peer.Read(p => hostUsers.All(id => p.Users.TryGetValue(id, out PeerUser? u) && u.IsRemote)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Peer.Read(p => hostUsers.Select(id => p.Users[id].RemoteId).ToList()), Has.All.EqualTo(_world.ConnectionId));
            Assert.That(_world.DuplicateReceipts("global-user"), Is.Empty, "each user was sent once");
        }
    }

    [Test]
    public async Task GlobalUserSync_ToMattermostWithTheFeatureOff_IsAnsweredWithoutPayloadAndChangesNothingThere()
    {
        _world = await SampleHostAndMattermostPeer.StartAsync(new MattermostPeerOptions { EnableGlobalUserSync = false }, o => o.SyncUsersOnConnectionOpen = true);

        await _world.ConnectPeerInvitesAsync();

        await _world.WaitUntilAsync("the host's global user sync", () => Peer.Read(p => p.Inbound.Any(i => i.Topic == MattermostPeer.TopicGlobalUserSync)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Peer.Read(p => p.Inbound.Where(i => i.Topic == MattermostPeer.TopicGlobalUserSync).Select(i => i.Reply).ToList()), Has.All.Contains("\"payload\":null"));
            Assert.That(Peer.Read(p => p.Users.ContainsKey(_world.John.Id)), Is.False);
        }
    }
}
