using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Sharing;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>Three workspaces on a loopback network: a home sharing one channel with two remotes.</summary>
public sealed class SharedChannelSyncTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";
    private const string Bob = "bob000000000000000000000aa";
    private const string Carol = "carol0000000000000000000aa";

    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private RecordingTransport _homeTransport = null!;
    private TestWorkspace _home = null!;
    private TestWorkspace _r1 = null!;
    private TestWorkspace _r2 = null!;
    private string _toR1 = null!;
    private string _toR2 = null!;
    private int _ids;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _homeTransport = new RecordingTransport(_network);
        _home = await TestWorkspace.StartAsync("home", _network, _time, services: s => s.AddSingleton<IRemoteTransport>(_homeTransport));
        _r1 = await TestWorkspace.StartAsync("r1", _network, _time);
        _r2 = await TestWorkspace.StartAsync("r2", _network, _time);
        _toR1 = await _home.ConnectToAsync(_r1, "r1");
        _toR2 = await _home.ConnectToAsync(_r2, "r2");

        _home.Content.AddLocalUser(Alice, "alice");
        _r1.Content.AddLocalUser(Bob, "bob");
        _r2.Content.AddLocalUser(Carol, "carol");
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team-home" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _toR1);
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _toR2);
        await SettleAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _home.DisposeAsync();
        await _r1.DisposeAsync();
        await _r2.DisposeAsync();
    }

    private string NewId() => $"post{Interlocked.Increment(ref _ids):D22}";

    private Task SettleAsync() => TestWorkspace.SettleAsync(_home, _r1, _r2);

    private static Post? PostOn(TestWorkspace workspace, string postId) =>
        workspace.Content.GetPosts(Channel).SingleOrDefault(p => p.Id == postId);

    [Test]
    public void InviteAsync_RemotesReceiveTheChannelWithItsIdAndTheirAdminAsMember()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_r1.Content.HasChannel(Channel), Is.True);
            Assert.That(_r2.Content.HasChannel(Channel), Is.True);
            Assert.That(_r1.Content.GetMembers(Channel), Does.Contain(TestWorkspace.Admin));
            Assert.That(_r2.Content.GetMembers(Channel), Does.Contain(TestWorkspace.Admin));
        }
    }

    [Test]
    public async Task Post_FromHome_ReachesBothRemotesWithItsAuthor()
    {
        string id = NewId();
        _home.Content.CreatePost(id, Channel, Alice, "hello from home");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostOn(_r1, id)?.Message, Is.EqualTo("hello from home"));
            Assert.That(PostOn(_r2, id)?.Message, Is.EqualTo("hello from home"));
            Assert.That(PostOn(_r1, id)?.RemoteId, Is.EqualTo(_toR1), "marked as coming from the home connection");
            ChatUser? alice = await _r1.Content.GetUserAsync(Alice);
            Assert.That(alice?.Username, Is.EqualTo("alice"));
            Assert.That(alice?.RemoteId, Is.EqualTo(_toR1));
        }
    }

    [Test]
    public async Task Post_FromRemote_IsRelayedByTheHomeToTheOtherRemoteAndNotEchoed()
    {
        string id = NewId();
        _r1.Content.CreatePost(id, Channel, Bob, "hi from r1");
        await SettleAsync();

        ChatUser? bobOnR2 = await _r2.Content.GetUserAsync(Bob);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostOn(_home, id)?.Message, Is.EqualTo("hi from r1"));
            Assert.That(PostOn(_r2, id)?.Message, Is.EqualTo("hi from r1"));
            Assert.That(bobOnR2?.OriginalRemoteId, Is.EqualTo(_toR1), "the origin connection is kept across hops");
            Assert.That(_homeTransport.Sent.Where(s => s.SiteUrl.Host == "r1.test" && s.Topic == "sharedchannel_sync")
                .SelectMany(s => s.Payload.TryGetProperty("posts", out JsonElement posts) ? posts.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Select(p => p.GetProperty("id").GetString()), Does.Not.Contain(id), "nothing goes back where it came from");
        }
    }

    [Test]
    public async Task EditAndDelete_Propagate()
    {
        string id = NewId();
        _r1.Content.CreatePost(id, Channel, Bob, "first");
        await SettleAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        _r1.Content.EditPost(id, "second");
        await SettleAsync();

        Assert.That(PostOn(_r2, id)?.Message, Is.EqualTo("second"));
        Assert.That(PostOn(_r2, id)?.EditAt, Is.Not.Null);

        _time.Advance(TimeSpan.FromSeconds(1));
        _r1.Content.DeletePost(id);
        await SettleAsync();

        Assert.That(PostOn(_home, id)?.IsDeleted, Is.True);
        Assert.That(PostOn(_r2, id)?.IsDeleted, Is.True);
    }

    [Test]
    public async Task ThreadReply_ArrivesWithItsRoot()
    {
        string root = NewId();
        string reply = NewId();
        _home.Content.CreatePost(root, Channel, Alice, "root");
        _r2.Content.AddLocalUser("carol2000000000000000000aa", "carol2");
        await SettleAsync();
        _r1.Content.CreatePost(reply, Channel, Bob, "reply", rootId: root);
        await SettleAsync();

        Assert.That(PostOn(_r2, reply)?.RootId, Is.EqualTo(root));
        Assert.That(PostOn(_home, reply)?.RootId, Is.EqualTo(root));
    }

    [Test]
    public async Task Reaction_NamesInMattermostsEmojiAlphabet_AreAcceptedAndRelayed()
    {
        string id = NewId();
        _home.Content.CreatePost(id, Channel, Alice, "react");
        await SettleAsync();
        foreach (string name in new[] { "+1", "party_parrot", "thumbs-up" })
        {
            _r1.Content.AddReaction(id, Bob, name);
        }

        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_home.Content.GetReactions(id).Select(r => r.EmojiName), Is.EquivalentTo(new[] { "+1", "party_parrot", "thumbs-up" }));
            Assert.That(_r2.Content.GetReactions(id).Select(r => r.EmojiName), Is.EquivalentTo(new[] { "+1", "party_parrot", "thumbs-up" }));
        }
    }

    [Test]
    public async Task Reaction_NameOutsideTheEmojiAlphabet_IsRefusedNotStoredAndNotRelayed()
    {
        string id = NewId();
        _home.Content.CreatePost(id, Channel, Alice, "react");
        await SettleAsync();
        _r1.Content.AddReaction(id, Bob, "../../../etc/passwd");
        _r1.Content.AddReaction(id, Bob, "smile\0");
        _r1.Content.AddReaction(id, Bob, "tada");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_home.Content.GetReactions(id).Select(r => r.EmojiName), Is.EqualTo(new[] { "tada" }), "only the valid name is stored");
            Assert.That(_r2.Content.GetReactions(id).Select(r => r.EmojiName), Is.EqualTo(new[] { "tada" }), "only the valid name is relayed");
            Assert.That(_home.Logs.AllText, Does.Contain("emoji name is not valid"), "the refusal is logged with its reason");
        }
    }

    [Test]
    public async Task Reaction_WithCustomEmojiOnlyHomeHas_IsKeptAndShownAsText()
    {
        string id = NewId();
        _home.Content.AddCustomEmoji("party_parrot");
        _home.Content.CreatePost(id, Channel, Alice, "party");
        await SettleAsync();
        _home.Content.AddReaction(id, Alice, "party_parrot");
        _r1.Content.AddReaction(id, Bob, "+1");
        await SettleAsync();

        EmojiFallback fallbackOnR1 = _r1.Services.GetRequiredService<EmojiFallback>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_r1.Content.GetReactions(id).Select(r => r.EmojiName), Is.EquivalentTo(new[] { "party_parrot", "+1" }));
            Assert.That(_r2.Content.GetReactions(id).Select(r => r.EmojiName), Is.EquivalentTo(new[] { "party_parrot", "+1" }));
            Assert.That(await fallbackOnR1.GetTextFallbackAsync("party_parrot"), Is.EqualTo(":party_parrot:"));
            Assert.That(await fallbackOnR1.GetTextFallbackAsync("+1"), Is.Null);
        }

        _r1.Content.RemoveReaction(id, Bob, "+1");
        await SettleAsync();
        Assert.That(_r2.Content.GetReactions(id).Select(r => r.EmojiName), Is.EqualTo(new[] { "party_parrot" }));
    }

    [Test]
    public async Task AcknowledgementMembershipAndStatus_Propagate()
    {
        string id = NewId();
        _home.Content.CreatePost(id, Channel, Alice, "please ack");
        await SettleAsync();
        _r1.Content.Acknowledge(id, Bob);
        _r1.Content.AddMember(Channel, Bob);
        var status = new UserStatus { UserId = Bob, Status = "dnd", Manual = true, LastActivityAt = _time.GetUtcNow() };
        _r1.Content.SetLocalStatus(status);
        _r1.Sync.NotifyUserStatusChanged(status);
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_home.Content.GetAcknowledgements(id).Select(a => a.UserId), Is.EqualTo(new[] { Bob }));
            Assert.That(_r2.Content.GetAcknowledgements(id).Select(a => a.UserId), Is.EqualTo(new[] { Bob }));
            Assert.That(_home.Content.GetMembers(Channel), Does.Contain(Bob));
            Assert.That(_r2.Content.GetMembers(Channel), Does.Contain(Bob));
            Assert.That(_home.Content.GetStatus(Bob)?.Status, Is.EqualTo("dnd"));
        }
    }

    [Test]
    public async Task StatusSync_OutOfOffice_IsAcceptedAsMattermostSendsIt()
    {
        string id = NewId();
        _home.Content.CreatePost(id, Channel, Alice, "anyone?");
        await SettleAsync();
        _r1.Content.AddMember(Channel, Bob);
        await SettleAsync();

        // model.StatusOutOfOffice: a Mattermost user with an automatic reply set.
        var status = new UserStatus { UserId = Bob, Status = "ooo", Manual = true, LastActivityAt = _time.GetUtcNow() };
        _r1.Content.SetLocalStatus(status);
        _r1.Sync.NotifyUserStatusChanged(status);
        await SettleAsync();

        Assert.That(_home.Content.GetStatus(Bob)?.Status, Is.EqualTo("ooo"));
    }

    [Test]
    public async Task StatusSync_Disabled_SendsNoStatus()
    {
        await using TestWorkspace quiet = await TestWorkspace.StartAsync("quiet", _network, _time, o => o.DisableSharedChannelsStatusSync = true);
        string id = await quiet.ConnectToAsync(_r1, "to-r1");
        quiet.Content.AddChannel(new ChannelInfo { Id = "quiet000000000000000000000", Name = "quiet" });
        await quiet.Sharing.InviteAsync(TestWorkspace.Admin, "quiet000000000000000000000", id);
        quiet.Content.AddLocalUser("dave00000000000000000000aa", "dave");
        quiet.Content.CreatePost(NewId(), "quiet000000000000000000000", "dave00000000000000000000aa", "hi");

        quiet.Sync.NotifyUserStatusChanged(new UserStatus { UserId = "dave00000000000000000000aa", Status = "online" });
        await TestWorkspace.SettleAsync(quiet, _r1);

        Assert.That(_r1.Content.GetStatus("dave00000000000000000000aa"), Is.Null);
        Assert.That(await _r1.Content.GetUserAsync("dave00000000000000000000aa"), Is.Not.Null, "the post still synced");
    }

    [Test]
    public async Task ManyPosts_ToSdkPeers_ArriveInBatchesOfAtMostMaxPostsPerSyncToSdkPeersInOrder()
    {
        var ids = new List<string>();
        for (int i = 0; i < 500; i++)
        {
            string id = NewId();
            ids.Add(id);
            _home.Content.CreatePost(id, Channel, Alice, $"message {i}");
        }

        await SettleAsync();

        int[] batchSizes = [.. _homeTransport.Sent
            .Where(s => s.SiteUrl.Host == "r1.test" && s.Topic == "sharedchannel_sync" && s.Payload.TryGetProperty("posts", out _))
            .Select(s => s.Payload.GetProperty("posts").GetArrayLength())];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(batchSizes, Has.All.LessThanOrEqualTo(SharedChannelsOptions.DefaultMaxPostsPerSyncToSdkPeers));
            Assert.That(batchSizes.Sum(), Is.EqualTo(500), "each post sent once");
            Assert.That(_r1.Content.GetPosts(Channel).Select(p => p.Id), Is.EqualTo(ids));
            Assert.That(_r2.Content.GetPosts(Channel).Select(p => p.Id), Is.EqualTo(ids));
        }
    }

    [Test]
    public async Task MaxPostsPerSyncToSdkPeers_Configured_IsHonoured()
    {
        await using TestWorkspace small = await TestWorkspace.StartAsync("small", _network, _time, o => (o.MaxPostsPerSync, o.MaxPostsPerSyncToSdkPeers) = (7, 7), services: s => s.AddSingleton<IRemoteTransport>(new RecordingTransport(_network)));
        string id = await small.ConnectToAsync(_r1, "to-r1");
        small.Content.AddChannel(new ChannelInfo { Id = "small000000000000000000000", Name = "small" });
        await small.Sharing.InviteAsync(TestWorkspace.Admin, "small000000000000000000000", id);
        small.Content.AddLocalUser("erin00000000000000000000aa", "erin");
        for (int i = 0; i < 20; i++)
        {
            small.Content.CreatePost(NewId(), "small000000000000000000000", "erin00000000000000000000aa", $"m{i}");
        }

        await TestWorkspace.SettleAsync(small, _r1);

        var transport = (RecordingTransport)small.Services.GetRequiredService<IRemoteTransport>();
        int[] sizes = [.. transport.Sent.Where(s => s.Topic == "sharedchannel_sync" && s.Payload.TryGetProperty("posts", out _)).Select(s => s.Payload.GetProperty("posts").GetArrayLength())];
        Assert.That(sizes, Has.All.LessThanOrEqualTo(7));
        Assert.That(_r1.Content.GetPosts("small000000000000000000000"), Has.Count.EqualTo(20));
    }

    [Test]
    public async Task RemoteOfflineTenMinutes_GetsNoticeThenEveryMissedMessageOnce()
    {
        await _home.Monitor.PingAllAsync();
        _network.SetReachable(_r1.SiteUrl, false);
        var missed = new List<string>();
        for (int minute = 1; minute <= 10; minute++)
        {
            string id = NewId();
            missed.Add(id);
            _home.Content.CreatePost(id, Channel, Alice, $"minute {minute}");
            await SettleAsync();
            _time.Advance(TimeSpan.FromMinutes(1));
            await _home.Monitor.PingAllAsync();
        }

        Assert.That(_home.Content.GetSystemMessages(Channel), Has.One.StartsWith("The connection to r1 is interrupted"));
        Assert.That(_r1.Content.GetPosts(Channel), Is.Empty);
        Assert.That(_r2.Content.GetPosts(Channel).Select(p => p.Id), Is.EqualTo(missed), "the other remote was not delayed");

        _network.SetReachable(_r1.SiteUrl, true);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _home.Monitor.PingAllAsync();
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_r1.Content.GetPosts(Channel).Select(p => p.Id), Is.EqualTo(missed));
            Assert.That(_home.Content.GetSystemMessages(Channel), Has.One.StartsWith("The connection to r1 is back"));
            string[] delivered = [.. _homeTransport.Sent
                .Where(s => s.SiteUrl.Host == "r1.test" && s.Topic == "sharedchannel_sync" && s.Payload.TryGetProperty("posts", out _))
                .SelectMany(s => s.Payload.GetProperty("posts").EnumerateArray()).Select(p => p.GetProperty("id").GetString()!)];
            Assert.That(delivered, Is.EqualTo(missed), "every missed post delivered once, in order");
        }
    }

    [Test]
    public async Task ShortOutage_IsCaughtUpWithoutNotice()
    {
        await _home.Monitor.PingAllAsync();
        _network.SetReachable(_r1.SiteUrl, false);
        string id = NewId();
        _home.Content.CreatePost(id, Channel, Alice, "during a blip");
        await SettleAsync();
        _network.SetReachable(_r1.SiteUrl, true);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _home.Monitor.PingAllAsync();
        await SettleAsync();

        Assert.That(PostOn(_r1, id), Is.Not.Null);
        Assert.That(_home.Content.GetSystemMessages(Channel), Is.Empty);
    }

    [Test]
    public async Task ReadOnly_RemotesPostsNeverReachTheHome()
    {
        await _home.Sharing.SetReadOnlyAsync(TestWorkspace.Admin, Channel, _toR2, readOnly: true);
        await SettleAsync();
        SharedChannel? onR2 = await _r2.Services.GetRequiredService<ISharedChannelStore>().GetChannelAsync(Channel);
        string id = NewId();
        _r2.Content.CreatePost(id, Channel, Carol, "can I write?");
        await SettleAsync();

        Assert.That(onR2?.ReadOnly, Is.True);
        Assert.That(PostOn(_home, id), Is.Null);
        Assert.That(PostOn(_r1, id), Is.Null);
    }

    [Test]
    public async Task ReadOnly_EnforcedAtHomeEvenIfRemoteIgnoresIt()
    {
        string carolPost = NewId();
        _r2.Content.CreatePost(carolPost, Channel, Carol, "before read-only");
        await SettleAsync();
        await _home.Sharing.SetReadOnlyAsync(TestWorkspace.Admin, Channel, _toR2, readOnly: true);

        JsonElement reply = await ForgeSyncAsync(_r2, _home, _toR2, $$$"""{"id":"{{{NewId()}}}","channel_id":"{{{Channel}}}","posts":[{"id":"{{{NewId()}}}","create_at":1,"update_at":1,"user_id":"{{{Carol}}}","channel_id":"{{{Channel}}}","root_id":"","message":"ignoring read-only"}],"reactions":[{"user_id":"{{{Carol}}}","post_id":"{{{carolPost}}}","emoji_name":"smile","create_at":1,"update_at":1,"channel_id":"{{{Channel}}}"}]}""");

        Assert.That(ItemErrors(reply), Has.Count.EqualTo(2).And.All.Contains("read-only"));
        Assert.That(_home.Content.GetPosts(Channel).Select(p => p.Message), Does.Not.Contain("ignoring read-only"));
        Assert.That(_home.Content.GetReactions(carolPost), Is.Empty);
    }

    [Test]
    public async Task SetReadOnlyAsync_BackToReadWrite_WithoutUnsharing()
    {
        await _home.Sharing.SetReadOnlyAsync(TestWorkspace.Admin, Channel, _toR2, readOnly: true);
        SharedChannelRemote remote = await _home.Sharing.SetReadOnlyAsync(TestWorkspace.Admin, Channel, _toR2, readOnly: false);
        string id = NewId();
        _r2.Content.CreatePost(id, Channel, Carol, "writable again");
        await SettleAsync();

        Assert.That(remote.ReadOnly, Is.False);
        Assert.That(PostOn(_home, id)?.Message, Is.EqualTo("writable again"));
        Assert.That(_r2.Content.GetSystemMessages(Channel), Is.Empty, "never unshared on the way");
    }

    [Test]
    public async Task InviteAsync_ChannelFromAnotherWorkspace_IsRefused()
    {
        await using TestWorkspace other = await TestWorkspace.StartAsync("other", _network, _time);
        string fromR1 = await _r1.ConnectToAsync(other, "other");

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _r1.Sharing.InviteAsync(TestWorkspace.Admin, Channel, fromR1));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
        Assert.That(ex.Message, Does.Contain("only its home workspace can share it"));
        Assert.That(other.Content.HasChannel(Channel), Is.False);
    }

    [Test]
    public async Task InviteAsync_DirectMessageWithoutDmFlag_IsRefused()
    {
        _home.Content.AddChannel(new ChannelInfo { Id = "dm000000000000000000000000", Name = "dm", Type = ChannelType.Direct });

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _home.Sharing.InviteAsync(TestWorkspace.Admin, "dm000000000000000000000000", _toR1));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.FeatureDisabled));
        Assert.That(ex.Message, Does.Contain("EnableSharedChannelsDMs"));
        Assert.That(await _home.Services.GetRequiredService<ISharedChannelStore>().GetChannelAsync("dm000000000000000000000000"), Is.Null);
    }

    [Test]
    public void InviteAsync_WithoutPermission_IsRefused()
    {
        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _home.Sharing.InviteAsync("nobody", Channel, _toR1));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.PermissionDenied));
        Assert.That(ex.Message, Does.Contain("manage_shared_channels"));
    }

    [Test]
    public async Task UninviteAsync_RemoteIsToldAndKeepsItsContent()
    {
        string id = NewId();
        _home.Content.CreatePost(id, Channel, Alice, "before uninvite");
        await SettleAsync();

        await _home.Sharing.UninviteAsync(TestWorkspace.Admin, Channel, _toR2);
        string after = NewId();
        _home.Content.CreatePost(after, Channel, Alice, "after uninvite");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_r2.Content.GetSystemMessages(Channel), Is.EqualTo(new[] { "This channel is no longer shared." }));
            Assert.That(PostOn(_r2, id), Is.Not.Null, "content stays");
            Assert.That(PostOn(_r2, after), Is.Null);
            Assert.That(PostOn(_r1, after), Is.Not.Null, "still shared with the other remote");
            Assert.That(_home.Content.GetSystemMessages(Channel), Is.Empty, "the home still shares the channel");
        }
    }

    [Test]
    public async Task InviteAsync_AfterUninvite_SharesTheChannelAgainFromNowOn()
    {
        await _home.Sharing.UninviteAsync(TestWorkspace.Admin, Channel, _toR2);
        string whileUnshared = NewId();
        _r2.Content.CreatePost(whileUnshared, Channel, Carol, "written while unshared");

        SharedChannelRemote again = await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _toR2, readOnly: false);
        string after = NewId();
        _home.Content.CreatePost(after, Channel, Alice, "shared again");
        await SettleAsync();

        Assert.That(again.InvitationAccepted, Is.True);
        Assert.That(PostOn(_r2, after), Is.Not.Null);
        Assert.That(PostOn(_home, whileUnshared), Is.Null, "what was written while unshared stays local");
    }

    [Test]
    public async Task Invite_ForAnExistingLocalChannelFromAnotherWorkspace_IsRefused()
    {
        _r1.Content.AddChannel(new ChannelInfo { Id = "local0000000000000000000aa", Name = "r1-local" });
        JsonElement payload = JsonDocument.Parse("""{"channel_id":"local0000000000000000000aa","team_id":"","read_only":false,"name":"takeover","type":"O"}""").RootElement;
        ConnectionRecord onHome = await _home.RecordAsync(_toR1);
        string frame = $$$"""{"remote_id":"{{{_toR1}}}","msg":{"id":"{{{NewId()}}}","topic":"sharedchannel_invite","create_at":1,"payload":{{{payload.GetRawText()}}}}}""";

        RemoteResponse response = await _r1.Dispatcher.DispatchAsync(new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = _toR1, Token = onHome.RemoteToken, Body = Encoding.UTF8.GetBytes(frame) }.Signed(_time));

        Assert.That(Encoding.UTF8.GetString(response.Body.Span), Does.Contain("already exists here"));
        Assert.That(await _r1.Services.GetRequiredService<ISharedChannelStore>().GetChannelAsync("local0000000000000000000aa"), Is.Null);
    }

    [Test]
    public async Task FormerRemote_CannotClaimTheChannelAfterTheHomeUnsharesIt()
    {
        // r1 drops the channel on its own (it answers "no longer shared" from now on), then the home unshares.
        await _r1.Services.GetRequiredService<ISharedChannelStore>().RemoveChannelAsync(Channel);
        _home.Content.CreatePost(NewId(), Channel, Alice, "r1 will refuse this");
        await SettleAsync();
        await _home.Sharing.UnshareAsync(TestWorkspace.Admin, Channel);

        ConnectionRecord onR1 = await _r1.RecordAsync(_toR1);
        string frame = $$$"""{"remote_id":"{{{_toR1}}}","msg":{"id":"{{{NewId()}}}","topic":"sharedchannel_invite","create_at":1,"payload":{"channel_id":"{{{Channel}}}","team_id":"","read_only":false,"name":"takeover","type":"O"} } }""";
        RemoteResponse response = await _home.Dispatcher.DispatchAsync(new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = _toR1, Token = onR1.RemoteToken, Body = Encoding.UTF8.GetBytes(frame) }.Signed(_time));

        Assert.That(Encoding.UTF8.GetString(response.Body.Span), Does.Contain("already exists here"));
        Assert.That(await _home.Services.GetRequiredService<ISharedChannelStore>().GetChannelAsync(Channel), Is.Null);
    }

    [Test]
    public async Task SharedChannelsDisabled_NothingIsSent()
    {
        await using TestWorkspace off = await TestWorkspace.StartAsync("off", _network, _time, o => o.EnableSharedChannels = false);
        off.Content.AddChannel(new ChannelInfo { Id = "offch000000000000000000000", Name = "off" });

        off.Sync.NotifyChannelChanged("offch000000000000000000000");
        await off.Sync.WhenIdleAsync();

        Assert.That(off.Sync.IsIdle, Is.True);
        Assert.That(off.Logs.AllText, Does.Not.Contain("Sent "));
    }

    [Test]
    public async Task UnshareAsync_EveryoneIsToldAndSyncStops()
    {
        await _home.Sharing.UnshareAsync(TestWorkspace.Admin, Channel);
        string after = NewId();
        _home.Content.CreatePost(after, Channel, Alice, "after unshare");
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_home.Content.GetSystemMessages(Channel), Is.EqualTo(new[] { "This channel is no longer shared." }));
            Assert.That(_r1.Content.GetSystemMessages(Channel), Is.EqualTo(new[] { "This channel is no longer shared." }));
            Assert.That(_r2.Content.GetSystemMessages(Channel), Is.EqualTo(new[] { "This channel is no longer shared." }));
            Assert.That(PostOn(_r1, after), Is.Null);
        }
    }

    [Test]
    public async Task GetStatusAsync_ListsEachRemoteWithModeAndLastSync()
    {
        await _home.Sharing.SetReadOnlyAsync(TestWorkspace.Admin, Channel, _toR2, readOnly: true);
        _home.Content.CreatePost(NewId(), Channel, Alice, "x");
        await SettleAsync();

        IReadOnlyList<ChannelShareStatus> status = await _home.Sharing.GetStatusAsync(TestWorkspace.Admin, Channel);
        IReadOnlyList<ChannelShareStatus> onR1 = await _r1.Sharing.GetStatusAsync(TestWorkspace.Admin, Channel);

        Assert.That(status.Select(s => (s.ConnectionId, s.ReadOnly, s.InvitationAccepted, s.IsOnline)), Is.EquivalentTo(new[] { (_toR1, false, true, true), (_toR2, true, true, true) }));
        Assert.That(status.All(s => s.LastSyncAt == _time.GetUtcNow()), Is.True);
        Assert.That(onR1.Single().IsHome, Is.False);
    }

    [Test]
    public async Task DeletingTheConnection_RemovesItFromSharedChannels()
    {
        await _home.Connections.DeleteAsync(TestWorkspace.Admin, _toR2);
        await SettleAsync();

        IReadOnlyList<ChannelShareStatus> status = await _home.Sharing.GetStatusAsync(TestWorkspace.Admin, Channel);
        Assert.That(status.Select(s => s.ConnectionId), Is.EqualTo(new[] { _toR1 }));
        Assert.That(_r2.Content.GetSystemMessages(Channel), Is.EqualTo(new[] { "This channel is no longer shared." }));
    }

    [Test]
    public async Task SameSyncMessageTwice_GivesTheSameState()
    {
        _r1.Content.AddLocalUser("bob2000000000000000000000a", "bob2");
        string postId = NewId();
        string body = $$$"""{"id":"{{{NewId()}}}","channel_id":"{{{Channel}}}","users":{"{{{Bob}}}":{"id":"{{{Bob}}}","username":"bob","update_at":5}},"posts":[{"id":"{{{postId}}}","create_at":10,"update_at":10,"user_id":"{{{Bob}}}","channel_id":"{{{Channel}}}","root_id":"","message":"once"}]}""";

        JsonElement first = await ForgeSyncAsync(_r1, _home, _toR1, body);
        IReadOnlyList<Post> after1 = _home.Content.GetPosts(Channel);
        JsonElement second = await ForgeSyncAsync(_r1, _home, _toR1, body, messageId: NewId());
        IReadOnlyList<Post> after2 = _home.Content.GetPosts(Channel);

        Assert.That(ItemErrors(first), Is.Empty);
        Assert.That(ItemErrors(second), Is.Empty);
        Assert.That(after2, Is.EqualTo(after1));
        Assert.That(after2.Count(p => p.Id == postId), Is.EqualTo(1));
    }

    [Test]
    public async Task OlderVersionOfAPost_DoesNotReplaceNewerAndDeleteIsFinal()
    {
        string postId = NewId();
        string Post(string message, long updateAt, long deleteAt = 0) =>
            $$$"""{"id":"{{{NewId()}}}","channel_id":"{{{Channel}}}","users":{"{{{Bob}}}":{"id":"{{{Bob}}}","username":"bob"}},"posts":[{"id":"{{{postId}}}","create_at":10,"update_at":{{{updateAt}}},"delete_at":{{{deleteAt}}},"user_id":"{{{Bob}}}","channel_id":"{{{Channel}}}","message":"{{{message}}}"}]}""";

        await ForgeSyncAsync(_r1, _home, _toR1, Post("v2", 20));
        await ForgeSyncAsync(_r1, _home, _toR1, Post("v1", 15));
        Assert.That(PostOn(_home, postId)?.Message, Is.EqualTo("v2"));

        await ForgeSyncAsync(_r1, _home, _toR1, Post("v2", 30, deleteAt: 30));
        await ForgeSyncAsync(_r1, _home, _toR1, Post("resurrected", 40));
        Assert.That(PostOn(_home, postId)?.IsDeleted, Is.True);
    }

    [TestCase("post-by-local-user", TestName = "HostileRemote_PostAsUserItDoesNotOwn_IsRefused")]
    [TestCase("edit-others-post", TestName = "HostileRemote_EditOfAnotherUsersPost_IsRefused")]
    [TestCase("delete-others-post", TestName = "HostileRemote_DeleteOfAnotherUsersPost_IsRefused")]
    [TestCase("hijack-post-id", TestName = "HostileRemote_OwnUserClaimingAnotherUsersPostId_IsRefused")]
    [TestCase("status-of-local-user", TestName = "HostileRemote_StatusOfLocalUser_IsRefused")]
    [TestCase("profile-of-local-user", TestName = "HostileRemote_ProfileOfLocalUser_IsRefused")]
    [TestCase("reaction-as-local-user", TestName = "HostileRemote_ReactionAsLocalUser_IsRefused")]
    [TestCase("post-in-other-channel", TestName = "HostileRemote_ItemForAnotherChannel_IsRefused")]
    public async Task HostileRemote_IsRefusedAndChangesNothing(string attack)
    {
        string alicePost = NewId();
        _home.Content.CreatePost(alicePost, Channel, Alice, "alice's words");
        _home.Content.SetLocalStatus(new UserStatus { UserId = Alice, Status = "online" });
        await SettleAsync();
        IReadOnlyList<Post> postsBefore = _home.Content.GetPosts(Channel);
        ChatUser aliceBefore = (await _home.Content.GetUserAsync(Alice))!;
        string bobUser = $$$"""{"{{{Bob}}}":{"id":"{{{Bob}}}","username":"bob"}}""";
        string body = attack switch
        {
            "post-by-local-user" => $$$"""{"channel_id":"{{{Channel}}}","posts":[{"id":"{{{NewId()}}}","create_at":1,"update_at":1,"user_id":"{{{Alice}}}","channel_id":"{{{Channel}}}","message":"forged"}]}""",
            "edit-others-post" => $$$"""{"channel_id":"{{{Channel}}}","posts":[{"id":"{{{alicePost}}}","create_at":1,"update_at":99999999999,"edit_at":99999999999,"user_id":"{{{Alice}}}","channel_id":"{{{Channel}}}","message":"edited by r1"}]}""",
            "delete-others-post" => $$$"""{"channel_id":"{{{Channel}}}","posts":[{"id":"{{{alicePost}}}","create_at":1,"update_at":99999999999,"delete_at":99999999999,"user_id":"{{{Alice}}}","channel_id":"{{{Channel}}}","message":""}]}""",
            "hijack-post-id" => $$$"""{"channel_id":"{{{Channel}}}","users":{{{bobUser}}},"posts":[{"id":"{{{alicePost}}}","create_at":1,"update_at":99999999999,"user_id":"{{{Bob}}}","channel_id":"{{{Channel}}}","message":"mine now"}]}""",
            "status-of-local-user" => $$$"""{"channel_id":"{{{Channel}}}","statuses":[{"user_id":"{{{Alice}}}","status":"offline","manual":true,"last_activity_at":1}]}""",
            "profile-of-local-user" => $$$"""{"channel_id":"{{{Channel}}}","users":{"{{{Alice}}}":{"id":"{{{Alice}}}","username":"evil-alice","first_name":"Evil"} } }""",
            "reaction-as-local-user" => $$$"""{"channel_id":"{{{Channel}}}","reactions":[{"user_id":"{{{Alice}}}","post_id":"{{{alicePost}}}","emoji_name":"-1","create_at":1,"update_at":1,"channel_id":"{{{Channel}}}"}]}""",
            _ => $$$"""{"channel_id":"{{{Channel}}}","users":{{{bobUser}}},"posts":[{"id":"{{{NewId()}}}","create_at":1,"update_at":1,"user_id":"{{{Bob}}}","channel_id":"other00000000000000000000a","message":"elsewhere"}]}""",
        };

        JsonElement reply = await ForgeSyncAsync(_r1, _home, _toR1, body);
        await SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ItemErrors(reply), Is.Not.Empty);
            Assert.That(_home.Content.GetPosts(Channel), Is.EqualTo(postsBefore));
            Assert.That(await _home.Content.GetUserAsync(Alice), Is.EqualTo(aliceBefore));
            Assert.That(_home.Content.GetStatus(Alice)?.Status, Is.EqualTo("online"));
            Assert.That(_home.Content.GetReactions(alicePost), Is.Empty);
        }
    }

    [Test]
    public async Task HostileRemote_ContentForChannelNotSharedWithIt_IsRefusedWhole()
    {
        _home.Content.AddChannel(new ChannelInfo { Id = "secret00000000000000000000", Name = "secret" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, "secret00000000000000000000", _toR2);

        RemoteResponse response = await ForgeRawAsync(_r1, _home, _toR1, $$$"""{"channel_id":"secret00000000000000000000","users":{"{{{Bob}}}":{"id":"{{{Bob}}}","username":"bob"}},"posts":[{"id":"{{{NewId()}}}","create_at":1,"update_at":1,"user_id":"{{{Bob}}}","channel_id":"secret00000000000000000000","message":"sneaking in"}]}""");

        using JsonDocument reply = JsonDocument.Parse(response.Body);
        Assert.That(reply.RootElement.GetProperty("status").GetString(), Is.EqualTo("FAIL"));
        Assert.That(reply.RootElement.GetProperty("err").GetString(), Does.Contain("channel is no longer shared"));
        Assert.That(_home.Content.GetPosts("secret00000000000000000000"), Is.Empty);
    }

    [Test]
    public async Task PeerRejection_IsSurfacedAsEventAndCursorMovesOn()
    {
        var rejected = new List<SharedChannels.Sync.SyncItemRejectedEventArgs>();
        _r1.Sync.ItemRejected += (_, e) => rejected.Add(e);
        await _home.Sharing.SetReadOnlyAsync(TestWorkspace.Admin, Channel, _toR1, readOnly: true);

        // A misbehaving host that writes into a read-only channel: the home refuses, r1 is told why.
        _r1.Content.AddLocalUser("bob3000000000000000000000a", "bob3");
        await _r1.Services.GetRequiredService<ISharedChannelStore>().UpsertChannelAsync((await _r1.Services.GetRequiredService<ISharedChannelStore>().GetChannelAsync(Channel))! with { ReadOnly = false });
        string id = NewId();
        _r1.Content.CreatePost(id, Channel, Bob, "not allowed");
        await SettleAsync();

        Assert.That(rejected, Has.Count.EqualTo(1));
        Assert.That(rejected[0].ItemId, Is.EqualTo(id));
        Assert.That(rejected[0].Reason, Does.Contain("read-only"));
        Assert.That(PostOn(_home, id), Is.Null);
    }

    private async Task<RemoteResponse> ForgeRawAsync(TestWorkspace from, TestWorkspace to, string connectionId, string payload, string? messageId = null)
    {
        ConnectionRecord sender = await from.RecordAsync(connectionId);
        string frame = $$$"""{"remote_id":"{{{connectionId}}}","msg":{"id":"{{{messageId ?? Guid.NewGuid().ToString("N")[..26]}}}","topic":"sharedchannel_sync","create_at":1,"payload":{{{payload}}}}}""";
        return await to.Dispatcher.DispatchAsync(new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = connectionId, Token = sender.RemoteToken, Body = Encoding.UTF8.GetBytes(frame) }.Signed(_time));
    }

    private async Task<JsonElement> ForgeSyncAsync(TestWorkspace from, TestWorkspace to, string connectionId, string payload, string? messageId = null)
    {
        RemoteResponse response = await ForgeRawAsync(from, to, connectionId, payload, messageId);
        using JsonDocument reply = JsonDocument.Parse(response.Body);
        Assert.That(reply.RootElement.GetProperty("status").GetString(), Is.EqualTo("OK"), Encoding.UTF8.GetString(response.Body.Span));
        return reply.RootElement.GetProperty("payload").Clone();
    }

    private static List<string> ItemErrors(JsonElement payload) =>
        payload.TryGetProperty("sdk_item_errors", out JsonElement errors)
            ? [.. errors.EnumerateArray().Select(e => e.GetProperty("reason").GetString()!)]
            : [];
}
