using System.Text.Json;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>
/// Files (sharedchannel_upload + /api/v4/remotecluster/upload/{id}) and profile images
/// (/api/v4/remotecluster/{user_id}/image) between the sample host and a peer that sends and receives them as
/// Mattermost's attachment.go, sendfile.go, sendprofileImage.go and api4/remote_cluster.go do.
/// </summary>
[Category("Integration")]
public sealed class MattermostFilesAndImagesTests
{
    private SampleHostAndMattermostPeer _world = null!;

    private MattermostPeer Peer => _world.Peer;

    [SetUp]
    public async Task SetUp() => _world = await SampleHostAndMattermostPeer.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        await TearDownWorldAsync(_world);
    }

    private static async Task TearDownWorldAsync(SampleHostAndMattermostPeer world)
    {
        MattermostPeer peer = world.Peer;
        // What went wrong on the wire, for the reader of a failed test (no tokens or codes are recorded).
        foreach (PeerInbound inbound in peer.Read(p => p.Inbound.Where(i => i.StatusCode != 200 || i.Reply.Contains("FAIL", StringComparison.Ordinal)).ToList()))
        {
            await TestContext.Out.WriteLineAsync($"peer answered {inbound.Path} ({inbound.Topic}): {inbound.StatusCode} {inbound.Reply}");
        }

        foreach (PeerExchange outbound in peer.Read(p => p.Outbound.Where(o => o.StatusCode != 200 || o.Body.Contains("FAIL", StringComparison.Ordinal)).ToList()))
        {
            await TestContext.Out.WriteLineAsync($"host answered {outbound.Path} ({outbound.Topic}): {outbound.StatusCode} {outbound.Body}");
        }

        await world.DisposeAsync();
    }

    [Test]
    public async Task FileOnHostPost_ToMattermost_ArrivesBeforeThePostByteForByteAndOnlyOnce()
    {
        ChannelView channel = await ShareHostChannelAsync();
        byte[] content = Bytes(200_000, seed: 7);
        FileView file = await _world.Chat.UploadFileAsync(channel.Id, _world.John.Id, "report.pdf", content, "application/pdf");

        PostView post = await _world.Chat.PostAsync(channel.Id, _world.John.Id, "see the attachment", fileIds: [file.Id]);
        await _world.WaitUntilAsync("the post at Mattermost", () => Peer.Read(p => p.Posts.ContainsKey(post.Id)));

        // A later change of the post sends it again, with its file ids: the file must not travel again.
        await _world.Chat.EditPostAsync(post.Id, "see the attachment (edited)");
        await _world.WaitUntilAsync("the edit at Mattermost", () => Peer.Read(p => p.Posts[post.Id].Message == "see the attachment (edited)"));

        string announcement = Peer.Read(p => p.UploadAnnouncements.Single());
        using JsonDocument session = JsonDocument.Parse(announcement);
        JsonElement us = session.RootElement;
        PeerFile? atPeer = Peer.Read(p => p.Files.GetValueOrDefault(file.Id));
        using (Assert.EnterMultipleScope())
        {
            // model.UploadSession.IsValid (after CreateUploadSession sets create_at and the path).
            Assert.That(GoJson.GetString(us, "id"), Has.Length.EqualTo(26), "a valid upload id");
            Assert.That(GoJson.GetString(us, "type"), Is.EqualTo("attachment"));
            Assert.That(GoJson.GetString(us, "user_id"), Is.EqualTo(_world.John.Id), "the post's author");
            Assert.That(GoJson.GetString(us, "channel_id"), Is.EqualTo(channel.Id));
            Assert.That(GoJson.GetString(us, "filename"), Is.EqualTo("report.pdf"));
            Assert.That(GoJson.GetInt64(us, "file_size"), Is.EqualTo(content.Length));
            Assert.That(GoJson.GetInt64(us, "file_offset"), Is.Zero);
            Assert.That(GoJson.GetString(us, "req_file_id"), Is.EqualTo(file.Id), "the receiver stores the FileInfo under this id");

            Assert.That(atPeer?.Content, Is.EqualTo(content), "the bytes, as sent");
            Assert.That(atPeer?.RemoteId, Is.EqualTo(_world.ConnectionId));
            Assert.That(Peer.Read(p => p.Posts[post.Id].FileIds), Is.EqualTo(new[] { file.Id }), "attachFilesToPost kept the id: the file was there before the post");
            Assert.That(atPeer?.PostId, Is.EqualTo(post.Id));
            Assert.That(Peer.Read(p => p.Inbound.Where(i => i.Path.StartsWith("/api/v4/remotecluster/upload/", StringComparison.Ordinal)).Select(i => i.StatusCode).ToList()), Is.EqualTo(new[] { 200 }), "one body, answered 200 with the FileInfo");
            Assert.That(_world.DuplicateReceipts("upload", "file"), Is.Empty, "announced and uploaded once");
        }
    }

    [Test]
    public async Task FileOnMattermostPost_ToHost_IsDownloadableByteForByteAndShownOnThePost()
    {
        ChannelView channel = await ShareHostChannelAsync();
        PeerUser alice = Peer.CreateUser("alice");
        byte[] content = Bytes(120_000, seed: 11);
        PeerFile file = Peer.UploadFile(channel.Id, alice.Id, "diagram.bin", content);
        PeerPost post = Peer.CreatePost(channel.Id, alice.Id, "from Mattermost, with a file", fileIds: [file.Id]);

        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("the post at the host", async ct => (await _world.HostPostsAsync(channel.Id, ct)).Any(p => p.Id == post.Id));

        // Another sync with a change to the post: Mattermost's SharedChannelAttachment row keeps the file from going again.
        Peer.EditPost(post.Id, "from Mattermost, with a file (edited)");
        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("the edit at the host", async ct => (await _world.HostPostsAsync(channel.Id, ct)).Any(p => p.Id == post.Id && p.Message.EndsWith("(edited)", StringComparison.Ordinal)));

        PostView onHost = (await _world.Chat.GetPostsAsync(channel.Id)).Single(p => p.Id == post.Id);
        byte[] downloaded = await _world.Chat.DownloadFileAsync(file.Id);
        List<string> order = Peer.Read(p => p.Outbound.Select(o => o.Topic).Where(t => t is MattermostPeer.TopicSync or MattermostPeer.TopicUploadCreate or "upload").ToList());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(downloaded, Is.EqualTo(content), "the bytes, as sent");
            Assert.That(onHost.Files.Select(f => f.Id), Is.EqualTo(new[] { file.Id }), "the post shows the attachment");
            Assert.That(onHost.Files.Single().Name, Is.EqualTo("diagram.bin"));
            Assert.That(onHost.Files.Single().IsRemote, Is.True);
            Assert.That(Peer.Read(p => p.Outbound.Where(o => o.Topic == "upload").Select(o => o.StatusCode).ToList()), Is.EqualTo(new[] { 200 }), "one upload, answered 200");
            Assert.That(Peer.Read(p => p.SharedChannelAttachments.ContainsKey((file.Id, _world.ConnectionId))), Is.True, "the FileInfo reply decoded, so Mattermost saved its attachment row");
            Assert.That(order.Take(4), Is.EqualTo(new[] { MattermostPeer.TopicSync, MattermostPeer.TopicUploadCreate, "upload", MattermostPeer.TopicSync }), "users, then the file, then the post");
            Assert.That(Peer.Read(p => p.Outbound.Where(o => o.Topic == MattermostPeer.TopicUploadCreate).Select(o => o.Body).ToList()), Has.All.Contains("\"status\":\"OK\""));
        }
    }

    [Test]
    public async Task FileSentAgainByMattermost_ToHostThatHasIt_IsAnswered200WithTheFileInfoAndUnchanged()
    {
        ChannelView channel = await ShareHostChannelAsync();
        PeerUser alice = Peer.CreateUser("alice");
        byte[] content = Bytes(50_000, seed: 17);
        PeerFile file = Peer.UploadFile(channel.Id, alice.Id, "notes.txt", content);
        PeerPost post = Peer.CreatePost(channel.Id, alice.Id, "a file", fileIds: [file.Id]);
        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("the post at the host", async ct => (await _world.HostPostsAsync(channel.Id, ct)).Any(p => p.Id == post.Id));

        // Mattermost lost its SharedChannelAttachment row (or the file's update_at moved): it announces and sends the file again.
        Peer.Read(p => p.SharedChannelAttachments.Remove((file.Id, _world.ConnectionId)));
        Peer.EditPost(post.Id, "a file (edited)");
        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("the edit at the host", async ct => (await _world.HostPostsAsync(channel.Id, ct)).Any(p => p.Id == post.Id && p.Message == "a file (edited)"));

        List<PeerExchange> uploads = Peer.Read(p => p.Outbound.Where(o => o.Topic == "upload").ToList());
        PostView onHost = (await _world.Chat.GetPostsAsync(channel.Id)).Single(p => p.Id == post.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(uploads.Select(u => u.StatusCode), Is.EqualTo(new[] { 200, 200 }), "both bodies answered 200, as sendFileToRemote requires");
            Assert.That(uploads.Select(u => FileInfoId(u.Body)), Is.EqualTo(new[] { file.Id, file.Id }), "each with a FileInfo of the file");
            Assert.That(Peer.Read(p => p.SharedChannelAttachments.ContainsKey((file.Id, _world.ConnectionId))), Is.True, "the row is back");
            Assert.That(await _world.Chat.DownloadFileAsync(file.Id), Is.EqualTo(content));
            Assert.That(onHost.Files.Select(f => f.Id), Is.EqualTo(new[] { file.Id }), "still one attachment");
        }
    }

    [Test]
    public async Task FileOverTheHostsLimit_FromMattermost_IsRefusedAtAnnouncementAndThePostArrivesWithoutIt()
    {
        // The host takes request bodies of at most 64 KiB (MaxFrameBytes), so no larger file.
        await TearDownWorldAsync(_world);
        _world = await SampleHostAndMattermostPeer.StartAsync(hostOptions: o => o.MaxFrameBytes = 64 * 1024);
        ChannelView channel = await ShareHostChannelAsync();
        PeerUser alice = Peer.CreateUser("alice");
        PeerFile file = Peer.UploadFile(channel.Id, alice.Id, "big.bin", Bytes(120_000, seed: 13));
        PeerPost post = Peer.CreatePost(channel.Id, alice.Id, "too big to share", fileIds: [file.Id]);

        await Peer.SyncChannelAsync(channel.Id);
        await _world.WaitUntilAsync("the post at the host", async ct => (await _world.HostPostsAsync(channel.Id, ct)).Any(p => p.Id == post.Id));

        PostView onHost = (await _world.Chat.GetPostsAsync(channel.Id)).Single(p => p.Id == post.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Peer.Read(p => p.Outbound.Single(o => o.Topic == MattermostPeer.TopicUploadCreate).Body), Does.StartWith("{\"status\":\"FAIL\""), "the announcement is refused in the envelope, as onReceiveUploadCreate refuses a file over MaxFileSize");
            Assert.That(Peer.Read(p => p.Outbound.Any(o => o.Topic == "upload")), Is.False, "sendAttachmentForRemote stops before sending any bytes");
            Assert.That(Peer.Read(p => p.SharedChannelAttachments.ContainsKey((file.Id, _world.ConnectionId))), Is.False, "no attachment row: Mattermost would try again");
            Assert.That(onHost.Files, Is.Empty, "the post arrived without the file");
            Assert.That(onHost.Message, Is.EqualTo("too big to share"));
        }
    }

    [Test]
    public async Task ProfileImage_OfLocalHostUser_ReachesMattermostAsMultipartImage()
    {
        ChannelView channel = await ShareHostChannelAsync();
        byte[] image = Png(seed: 3);
        await _world.Chat.SetProfileImageAsync(_world.John.Id, image);

        await _world.Chat.PostAsync(channel.Id, _world.John.Id, "my new picture");
        await _world.WaitUntilAsync("john's picture at Mattermost", () => Peer.Read(p => p.Users.TryGetValue(_world.John.Id, out PeerUser? u) && u.ProfileImage is not null));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Peer.Read(p => p.Users[_world.John.Id].ProfileImage), Is.EqualTo(image), "remoteSetProfileImage read it from the multipart field 'image'");
            Assert.That(Peer.Read(p => p.Users[_world.John.Id].RemoteId), Is.EqualTo(_world.ConnectionId));
            Assert.That(Peer.Read(p => p.Inbound.Where(i => i.Topic == "image").Select(i => i.StatusCode).ToList()), Is.Not.Empty.And.All.EqualTo(200));
        }
    }

    [Test]
    public async Task ProfileImage_OfMattermostUser_ReachesTheHostAfterTheSyncMessages()
    {
        ChannelView channel = await ShareHostChannelAsync();
        PeerUser alice = Peer.CreateUser("alice");
        byte[] image = Png(seed: 5);
        Peer.SetProfileImage(alice.Id, image);
        Peer.CreatePost(channel.Id, alice.Id, "hello, with my picture");

        await Peer.SyncChannelAsync(channel.Id);

        byte[]? onHost = await _world.Chat.GetProfileImageAsync(alice.Id);
        List<string> topics = Peer.Read(p => p.Outbound.Select(o => o.Topic).Where(t => t is MattermostPeer.TopicSync or "image").ToList());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onHost, Is.EqualTo(image), "the host stored alice's picture");
            Assert.That(topics, Is.EqualTo(new[] { MattermostPeer.TopicSync, MattermostPeer.TopicSync, "image" }), "users, posts, then the image");
            Assert.That(Peer.Read(p => p.Outbound.Single(o => o.Topic == "image").StatusCode), Is.EqualTo(200));
        }

        // Nothing changed since: Mattermost's LastSyncAt moved on the 200, so the next task sends no image.
        Peer.CreatePost(channel.Id, alice.Id, "same picture");
        await Peer.SyncChannelAsync(channel.Id);
        Assert.That(Peer.Read(p => p.Outbound.Count(o => o.Topic == "image")), Is.EqualTo(1), "the image was not sent again");
    }

    [Test]
    public async Task ProfileImage_FromMattermostForAUserItDoesNotOwn_IsRefusedAndTheHostImageIsUnchanged()
    {
        await _world.ConnectPeerInvitesAsync();
        byte[] original = Png(seed: 1);
        await _world.Chat.SetProfileImageAsync(_world.John.Id, original);

        int forLocalUser = await Peer.SendProfileImageAsync(_world.ConnectionId, _world.John.Id, Png(seed: 2));
        int forUnknownUser = await Peer.SendProfileImageAsync(_world.ConnectionId, MattermostIds.NewId(), Png(seed: 2));

        using (Assert.EnterMultipleScope())
        {
            // Mattermost itself answers 400 (not a remote user) or 401 (another remote's user); the SDK answers 403.
            Assert.That(forLocalUser, Is.EqualTo(403), "the host's own user");
            Assert.That(forUnknownUser, Is.EqualTo(403), "a user the host does not know");
            Assert.That(await _world.Chat.GetProfileImageAsync(_world.John.Id), Is.EqualTo(original), "john's picture did not change");
        }
    }

    [Test]
    public async Task ProfileImage_FromMattermostForItsOwnUserWithAWrongToken_IsRefused401()
    {
        await _world.ConnectPeerInvitesAsync();
        ChannelView channel = await _world.Chat.CreateChannelAsync("town-square", _world.Admin.Id, "Town Square");
        await _world.Chat.ShareChannelAsync(_world.Admin.Id, channel.Id, _world.ConnectionId);
        PeerUser alice = Peer.CreateUser("alice");
        byte[] first = Png(seed: 8);
        Peer.SetProfileImage(alice.Id, first);
        Peer.CreatePost(channel.Id, alice.Id, "hello");
        await Peer.SyncChannelAsync(channel.Id);
        Assume.That(await _world.Chat.GetProfileImageAsync(alice.Id), Is.EqualTo(first), "alice's picture reached the host");

        // The same request with a token the host never issued: GetRemoteClusterSession fails before any handler.
        Peer.Read(p => p.RemoteClusters[_world.ConnectionId]).RemoteToken = MattermostIds.NewId();
        int status = await Peer.SendProfileImageAsync(_world.ConnectionId, alice.Id, Png(seed: 9));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(401));
            Assert.That(await _world.Chat.GetProfileImageAsync(alice.Id), Is.EqualTo(first), "alice's picture did not change");
        }
    }

    /// <summary>Connects (the peer invites) and shares a host channel with the peer.</summary>
    private async Task<ChannelView> ShareHostChannelAsync()
    {
        await _world.ConnectPeerInvitesAsync();
        ChannelView channel = await _world.Chat.CreateChannelAsync("town-square", _world.Admin.Id, "Town Square");
        await _world.Chat.ShareChannelAsync(_world.Admin.Id, channel.Id, _world.ConnectionId);
        return channel;
    }

    private static string FileInfoId(string body)
    {
        using JsonDocument info = JsonDocument.Parse(body);
        return GoJson.GetString(info.RootElement, "id");
    }

    private static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A PNG signature followed by distinct bytes: enough for both sides' format sniffing.</summary>
    private static byte[] Png(int seed) => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Bytes(64, seed)];
}
