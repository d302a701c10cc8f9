using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>The sample host (the SDK over HTTP) against a peer that behaves as Mattermost's server code does.</summary>
[Category("Integration")]
public sealed class MattermostPeerTests
{
    private SampleHostAndMattermostPeer _world = null!;

    private MattermostPeer Peer => _world.Peer;

    [SetUp]
    public async Task SetUp() => _world = await SampleHostAndMattermostPeer.StartAsync(new MattermostPeerOptions { EnableSharedChannelsMemberSync = true });

    [TearDown]
    public async Task TearDown()
    {
        // What went wrong on the wire, for the reader of a failed test (no tokens or codes are recorded).
        foreach (PeerInbound inbound in Peer.Read(p => p.Inbound.Where(i => i.StatusCode != 200 || i.Reply.Contains("FAIL", StringComparison.Ordinal)).ToList()))
        {
            await TestContext.Out.WriteLineAsync($"peer answered {inbound.Path} ({inbound.Topic}): {inbound.StatusCode} {inbound.Reply}");
        }

        foreach (PeerExchange outbound in Peer.Read(p => p.Outbound.Where(o => o.StatusCode != 200 || o.Body.Contains("FAIL", StringComparison.Ordinal)).ToList()))
        {
            await TestContext.Out.WriteLineAsync($"host answered {outbound.Path} ({outbound.Topic}): {outbound.StatusCode} {outbound.Body}");
        }

        await _world.DisposeAsync();
    }

    [Test]
    public async Task AcceptInvitation_FromMattermost_ConnectsAndMattermostsFirstPingAfterConfirmGets200()
    {
        ConnectionView accepted = await _world.ConnectPeerInvitesAsync();

        PeerRemoteCluster row = Peer.Read(p => p.RemoteClusters[_world.ConnectionId]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.State, Is.EqualTo(nameof(ConnectionState.Connected)));
            Assert.That(row.IsConfirmed, Is.True, "Mattermost stored the host's URL on confirm_invite");
            Assert.That(row.SiteUrl, Is.EqualTo(_world.Host.Url.GetLeftPart(UriPartial.Authority)));
            Assert.That(Peer.Read(p => p.PingsAfterConfirm.ToList()), Is.EqualTo(new[] { 200 }), "Mattermost pings right after confirm, with the refreshed token");
        }
    }

    [Test]
    public async Task AcceptInvitation_FromMattermostAfter48Hours_IsInvitationExpiredAndKeepsNothing()
    {
        (string remoteId, string code) = Peer.CreateInvitation("sdkhost", SampleHostAndMattermostPeer.Password);

        // The invitation's row as Mattermost keeps it, created 49 hours ago: its confirm handler answers 400 with the
        // AppError id api.context.invitation_expired.error.
        Peer.Read(p =>
        {
            PeerRemoteCluster row = p.RemoteClusters[remoteId];
            p.RemoteClusters[remoteId] = new PeerRemoteCluster
            {
                RemoteId = row.RemoteId,
                Name = row.Name,
                Token = row.Token,
                CreatorId = row.CreatorId,
                CreateAt = row.CreateAt - (long)TimeSpan.FromHours(49).TotalMilliseconds,
            };
            return row;
        });
        SecureConnections connections = _world.Host.Services.GetRequiredService<SecureConnections>();

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => connections.AcceptAsync(
            _world.Admin.Id,
            new AcceptInvitationRequest { Name = SampleHostAndMattermostPeer.PeerName, InvitationCode = code, Password = SampleHostAndMattermostPeer.Password }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvitationExpired));
        Assert.That(ex.Message, Does.Contain("expired").And.Contain("new one"));
        Assert.That(await connections.ListAsync(_world.Admin.Id), Is.Empty, "a refused acceptance keeps nothing");
    }

    [Test]
    public async Task Invitation_FromSdkHost_IsAcceptedByMattermostAndPingsWorkBothWays()
    {
        string? error = await _world.ConnectHostInvitesAsync();

        await _world.Host.Services.GetRequiredService<ConnectionMonitor>().PingAllAsync();
        int peerPing = await Peer.PingAsync(_world.ConnectionId);
        RemoteConnection? connection = await _world.GetConnectionAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error, Is.Null, "confirm_invite answered OK");
            Assert.That(Peer.Read(p => p.RemoteClusters.ContainsKey(_world.ConnectionId)), Is.True, "Mattermost keeps its row");
            Assert.That(connection?.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(peerPing, Is.EqualTo(200), "Mattermost's ping to the host");
            Assert.That(Peer.Read(p => p.Inbound.Where(i => i.Topic == MattermostPeer.TopicPing).Select(i => i.StatusCode).ToList()), Is.Not.Empty.And.All.EqualTo(200), "the host's pings to Mattermost");
            Assert.That(Peer.Read(p => p.Outbound.Where(o => o.Topic == MattermostPeer.TopicPing).Select(o => o.StatusCode).ToList()), Is.All.EqualTo(200), "Mattermost's first ping after accepting, and later ones");
        }
    }

    [Test]
    public async Task ChannelInvite_FromMattermost_CreatesTheChannelAndSyncsBothWaysWithoutUnsharing()
    {
        await _world.ConnectPeerInvitesAsync();
        PeerUser alice = Peer.CreateUser("alice");
        PeerChannel channel = Peer.CreateChannel("mm-town", alice.Id);

        (bool ok, string err) = await Peer.InviteToChannelAsync(channel.Id, _world.ConnectionId, alice.Id);
        Assert.That(ok, Is.True, err);
        await _world.WaitUntilAsync("the channel on the host", async ct => (await _world.Chat.GetPostsAsync(channel.Id, ct).ContinueWith(t => t.IsCompletedSuccessfully, ct)));

        // The host answers right away (its john posts); Mattermost saves its row only when the invite callback ran.
        PostView fromHost = await _world.Chat.PostAsync(channel.Id, _world.John.Id, "hello from the host");
        await Peer.WhenCallbacksDoneAsync();
        PeerPost fromMattermost = Peer.CreatePost(channel.Id, alice.Id, "hello from Mattermost");
        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("the host's post at Mattermost", () => Peer.Read(p => p.Posts.ContainsKey(fromHost.Id)));
        await _world.WaitUntilAsync("Mattermost's post at the host", async ct => (await _world.HostPostsAsync(channel.Id, ct)).Any(p => p.Id == fromMattermost.Id));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Peer.Read(p => p.SharedChannelRemotes.Single(r => r.ChannelId == channel.Id).DeleteAt), Is.Zero, "the share did not end");
            Assert.That(Peer.Read(p => p.SystemMessages.ToList()), Is.Empty, "Mattermost never saw 'no longer shared'");
            Assert.That(Peer.Read(p => p.Posts[fromHost.Id].Message), Is.EqualTo("hello from the host"));
            Assert.That(_world.DuplicateReceipts("post", "reaction"), Is.Empty, "nothing accepted was sent again");
        }
    }

    [Test]
    public async Task ChannelInvite_FromSdkHost_IsCreatedAtMattermostAsOnReceiveChannelInviteDoes()
    {
        await _world.ConnectPeerInvitesAsync();
        ChannelView channel = await _world.Chat.CreateChannelAsync("town-square", _world.Admin.Id, "Town Square");

        SharedChannelView shared = await _world.Chat.ShareChannelAsync(_world.Admin.Id, channel.Id, _world.ConnectionId);

        PeerInbound invite = Peer.Read(p => p.Inbound.Single(i => i.Topic == MattermostPeer.TopicChannelInvite));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(shared.InvitationAccepted, Is.True);
            Assert.That(invite.Reply, Is.EqualTo("{\"status\":\"OK\",\"err\":\"\",\"payload\":null}"), "Mattermost's invite listener sets no payload");
            Assert.That(Peer.Read(p => p.Channels[channel.Id].Name), Is.EqualTo("town-square"));
            Assert.That(Peer.Read(p => p.SharedChannels[channel.Id].Home), Is.False);
            Assert.That(Peer.Read(p => p.SharedChannelRemotes.Single(r => r.ChannelId == channel.Id).IsInviteConfirmed), Is.True);
        }
    }

    [Test]
    public async Task Sync_PostsThreadsEditsDeletesAndReactions_ReachBothSidesAndAdvanceCursors()
    {
        await _world.ConnectPeerInvitesAsync();
        ChannelView channel = await _world.Chat.CreateChannelAsync("town-square", _world.Admin.Id, "Town Square");
        await _world.Chat.ShareChannelAsync(_world.Admin.Id, channel.Id, _world.ConnectionId);

        // Host → Mattermost.
        PostView root = await _world.Chat.PostAsync(channel.Id, _world.John.Id, "root from the host");
        PostView reply = await _world.Chat.PostAsync(channel.Id, _world.John.Id, "reply from the host", rootId: root.Id);
        PostView doomed = await _world.Chat.PostAsync(channel.Id, _world.John.Id, "to be deleted");
        await _world.WaitUntilAsync("three posts at Mattermost", () => Peer.Read(p => p.Posts.ContainsKey(doomed.Id) && p.Posts.ContainsKey(reply.Id)));
        await _world.Chat.EditPostAsync(root.Id, "root from the host, edited");
        await _world.Chat.DeletePostAsync(doomed.Id);
        await _world.Chat.AddReactionAsync(reply.Id, _world.Admin.Id, "+1");
        await _world.WaitUntilAsync("edit, delete and reaction at Mattermost", () => Peer.Read(p =>
            p.Posts[root.Id].Message == "root from the host, edited" && p.Posts[doomed.Id].DeleteAt > 0 && p.Reactions.Any(r => r.PostId == reply.Id && r.EmojiName == "+1")));

        // Mattermost → host.
        PeerUser alice = Peer.CreateUser("alice");
        PeerPost mmReply = Peer.CreatePost(channel.Id, alice.Id, "reply from Mattermost", rootId: root.Id);
        PeerPost mmDoomed = Peer.CreatePost(channel.Id, alice.Id, "Mattermost deletes this");
        await Peer.SyncChannelAsync(channel.Id);
        Peer.EditPost(mmReply.Id, "reply from Mattermost, edited");
        Peer.DeletePost(mmDoomed.Id);
        Peer.SetReaction(root.Id, alice.Id, "tada", add: true);
        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("Mattermost's changes at the host", async ct =>
        {
            IReadOnlyList<PostView> posts = await _world.HostPostsAsync(channel.Id, ct);
            return posts.Any(p => p.Id == mmReply.Id && p.Message == "reply from Mattermost, edited")
                && posts.All(p => p.Id != mmDoomed.Id)
                && posts.Single(p => p.Id == root.Id).Reactions.Any(r => r.EmojiName == "tada");
        });

        IReadOnlyList<PostView> onHost = await _world.Chat.GetPostsAsync(channel.Id);
        await _world.Sync.WhenIdleAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onHost.Single(p => p.Id == mmReply.Id).RootId, Is.EqualTo(root.Id), "the reply stays in its thread");
            Assert.That(Peer.Read(p => p.Posts[reply.Id].RootId), Is.EqualTo(root.Id));
            Assert.That(Peer.Read(p => p.Reactions.Single(r => r.PostId == reply.Id && r.EmojiName == "+1").DeleteAt), Is.Zero, "the reaction survived Mattermost's toggle-on-redelivery");
            Assert.That(Peer.Read(p => p.SharedChannelRemotes.Single(r => r.ChannelId == channel.Id).LastPostUpdateAt), Is.GreaterThanOrEqualTo(Peer.Read(p => p.Posts[mmReply.Id].UpdateAt)), "Mattermost's cursor advanced");
            Assert.That(_world.DuplicateReceipts("post", "reaction"), Is.Empty, "nothing accepted was sent again");
            Assert.That(Peer.Read(p => p.SystemMessages.ToList()), Is.Empty, "no share ended");
        }
    }

    [Test]
    public async Task Sync_AcknowledgementsMembershipsAndStatuses_ReachBothSides()
    {
        await _world.ConnectPeerInvitesAsync();
        ChannelView channel = await _world.Chat.CreateChannelAsync("town-square", _world.Admin.Id, "Town Square");
        await _world.Chat.ShareChannelAsync(_world.Admin.Id, channel.Id, _world.ConnectionId);
        PostView post = await _world.Chat.PostAsync(channel.Id, _world.John.Id, "please acknowledge");
        await _world.WaitUntilAsync("the post and john at Mattermost", () => Peer.Read(p => p.Posts.ContainsKey(post.Id)));

        // Host → Mattermost: an acknowledgement and a status.
        var content = _world.Host.Services.GetRequiredService<IChannelContent>();
        await content.UpsertAcknowledgementAsync(new Acknowledgement { PostId = post.Id, UserId = _world.John.Id, ChannelId = channel.Id, AcknowledgedAt = DateTimeOffset.FromUnixTimeMilliseconds(Peer.NowMillis()) });
        _world.Sync.NotifyChannelChanged(channel.Id);
        _world.Sync.NotifyUserStatusChanged(new UserStatus { UserId = _world.John.Id, Status = "away", LastActivityAt = DateTimeOffset.FromUnixTimeMilliseconds(Peer.NowMillis()) });
        await _world.WaitUntilAsync("the acknowledgement and status at Mattermost", () => Peer.Read(p =>
            p.Acknowledgements.Any(a => a.PostId == post.Id && a.UserId == _world.John.Id) && p.Statuses.TryGetValue(_world.John.Id, out PeerStatus? s) && s.Status == "away"));

        // Mattermost → host: a member, an acknowledgement and a status.
        PeerUser alice = Peer.CreateUser("alice");
        Peer.AddMember(channel.Id, alice.Id);
        Peer.SetAcknowledgement(post.Id, alice.Id, acknowledged: true);
        Peer.SetStatus(alice.Id, "dnd");
        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("alice's acknowledgement and status at the host", async _ =>
            await _world.QueryHostAsync("SELECT COUNT(*) FROM acknowledgements WHERE post_id = $p AND user_id = $u AND acknowledged_at IS NOT NULL;", ("$p", post.Id), ("$u", alice.Id)) is long and > 0
            && await _world.QueryHostAsync("SELECT status FROM statuses WHERE user_id = $u;", ("$u", alice.Id)) is "dnd");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Peer.Read(p => p.Inbound.Where(i => i.Topic == MattermostPeer.TopicSync).Select(i => i.Reply).ToList()), Has.Some.Contains("\"status_errors\":null"), "Mattermost's replies carry null lists");
            Assert.That(await _world.QueryHostAsync("SELECT COUNT(*) FROM channel_members WHERE channel_id = $c AND user_id = $u;", ("$c", channel.Id), ("$u", alice.Id)), Is.EqualTo(1L), "alice joined on the host");
            Assert.That(_world.DuplicateReceipts("acknowledgement", "status", "membership"), Is.Empty, "nothing accepted was sent again");
            Assert.That(Peer.Read(p => p.SystemMessages.ToList()), Is.Empty, "no share ended");
        }
    }
}
