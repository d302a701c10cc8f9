using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Sync;
using SharedChannels.Sync.Internal;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Sync;

/// <summary>Files and profile images between two SDK workspaces, on the wire as Mattermost sends and answers them.</summary>
public sealed class FileTransferTests
{
    private const string Channel = "files00000000000000000000a";
    private const string Alice = "alice0000000000000000000aa";
    private const string FileId = "file0000000000000000000001";

    // A 1×1 PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/eL9GtQAAAABJRU5ErkJggg==");

    private FakeTimeProvider _time = null!;
    private CuttingTransport _transport = null!;
    private TestWorkspace _home = null!;
    private TestWorkspace _remote = null!;
    private string _connectionId = null!;
    private List<SyncItemRejectedEventArgs> _rejected = null!;

    [SetUp]
    public async Task SetUp()
    {
        var network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _transport = new CuttingTransport(network);
        _home = await TestWorkspace.StartAsync("home", network, _time, services: s => s.AddSingleton<IRemoteTransport>(_transport));
        _remote = await TestWorkspace.StartAsync("remote", network, _time);
        _connectionId = await _home.ConnectToAsync(_remote);
        _home.Content.AddLocalUser(Alice, "alice");
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "files" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, _connectionId);
        _rejected = [];
        _home.Sync.ItemRejected += (_, e) => _rejected.Add(e);
        _transport.Requests.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _home.DisposeAsync();
        await _remote.DisposeAsync();
    }

    [Test]
    public async Task PostWithFile_SendsUsersThenTheFileThenThePost()
    {
        PostWithFile(Bytes(100), "report.pdf");
        await TestWorkspace.SettleAsync(_home, _remote);

        // Mattermost attaches a post's files only when they arrived before it, from a user it already knows.
        string[] order = [.. _transport.Requests.Select(Describe)];
        Assert.That(order, Is.EqualTo(new[] { "sync:users", "sharedchannel_upload", "upload", "sync:users+posts" }));
    }

    [Test]
    public async Task UploadAnnouncement_IsAnsweredWithMattermostsUploadSession_AndTheBytesWithAFileInfo()
    {
        PostWithFile(Bytes(100), "report.pdf");
        await TestWorkspace.SettleAsync(_home, _remote);

        CuttingTransport.Sent announce = _transport.Requests.Single(r => r.Topic == Topics.SharedChannelUpload);
        JsonElement session = WireFormat.TryReadReply(announce.Response!.Body.Span)!.Payload;
        CuttingTransport.Sent upload = _transport.Requests.Single(r => r.Endpoint == RemoteEndpoint.Upload);
        using JsonDocument info = JsonDocument.Parse(upload.Response!.Body);
        using (Assert.EnterMultipleScope())
        {
            // Mattermost's sender uploads to the id of the session in the reply, and records the file by the reply's id.
            Assert.That(session.GetProperty("id").GetString(), Is.EqualTo(upload.UploadId));
            Assert.That(session.GetProperty("type").GetString(), Is.EqualTo("attachment"));
            Assert.That(session.GetProperty("user_id").GetString(), Is.EqualTo(Alice));
            Assert.That(session.GetProperty("channel_id").GetString(), Is.EqualTo(Channel));
            Assert.That(session.GetProperty("filename").GetString(), Is.EqualTo("report.pdf"));
            Assert.That(session.GetProperty("file_size").GetInt64(), Is.EqualTo(100));
            Assert.That(session.GetProperty("file_offset").GetInt64(), Is.Zero);
            Assert.That(session.GetProperty("remote_id").GetString(), Is.EqualTo(_connectionId));
            Assert.That(session.GetProperty("req_file_id").GetString(), Is.EqualTo(FileId));
            Assert.That(session.GetProperty("create_at").GetInt64(), Is.EqualTo(_time.GetUtcNow().ToUnixTimeMilliseconds()));
            Assert.That(upload.Response.StatusCode, Is.EqualTo(200));
            Assert.That(info.RootElement.GetProperty("id").GetString(), Is.EqualTo(FileId));
            Assert.That(info.RootElement.GetProperty("name").GetString(), Is.EqualTo("report.pdf"));
            Assert.That(info.RootElement.GetProperty("extension").GetString(), Is.EqualTo("pdf"));
            Assert.That(info.RootElement.GetProperty("size").GetInt64(), Is.EqualTo(100));
            Assert.That(info.RootElement.GetProperty("channel_id").GetString(), Is.EqualTo(Channel));
        }
    }

    [Test]
    public async Task UploadInterruptedAfterAPart_ResumesFromTheBytesTheReceiverKept()
    {
        int chunk = AttachmentSender.SdkPeerChunkBytes;
        byte[] content = Bytes((2 * chunk) + 500);
        _transport.FailUploadNumber = 2;
        PostWithFile(content, "big.bin");
        await TestWorkspace.SettleAsync(_home, _remote);
        Assert.That(_remote.Content.HasFile(FileId), Is.False, "the second part never arrived");

        _time.Advance(TimeSpan.FromMinutes(5));
        await TestWorkspace.SettleAsync(_home, _remote);

        CuttingTransport.Sent[] announcements = [.. _transport.Requests.Where(r => r.Topic == Topics.SharedChannelUpload)];
        CuttingTransport.Sent[] uploads = [.. _transport.Requests.Where(r => r.Endpoint == RemoteEndpoint.Upload)];
        JsonElement resumed = WireFormat.TryReadReply(announcements[1].Response!.Body.Span)!.Payload;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(announcements[1].Payload!.Value.GetProperty("id").GetString(), Is.EqualTo(announcements[0].Payload!.Value.GetProperty("id").GetString()), "the same upload is announced again");
            Assert.That(resumed.GetProperty("file_offset").GetInt64(), Is.EqualTo(chunk));
            Assert.That(uploads.Select(u => u.BodyLength), Is.EqualTo(new[] { chunk, chunk, chunk, 500 }), "after the broken part, only the missing bytes are sent");
            // SequenceEqual rather than NUnit's item-by-item comparison, which takes seconds over 2 MB.
            Assert.That((await _remote.Content.ReadContentAsync(FileId)).Span.SequenceEqual(content), Is.True, "the receiver has exactly the bytes sent");
            Assert.That(_remote.Content.GetPosts(Channel).Single().FileIds, Is.EqualTo(new[] { FileId }));
            Assert.That(_rejected, Is.Empty);
        }
    }

    [Test]
    public async Task PeersFileName_IsSanitizedBeforeTheHostSeesIt()
    {
        PostWithFile(Bytes(10), "../../etc/pass\u202Ewd\u0000.txt");
        await TestWorkspace.SettleAsync(_home, _remote);

        FileAttachment? file = await _remote.Content.GetFileAsync(FileId);
        Assert.That(file?.Name, Is.EqualTo("passwd.txt"));
    }

    [Test]
    public async Task LocalUserWithAPicture_ImageArrivesWithTheUsersPostAndOnlyOnce()
    {
        _home.Content.SetLocalProfileImage(Alice, Png);
        _home.Content.CreatePost("post0000000000000000000001", Channel, Alice, "hello");
        await TestWorkspace.SettleAsync(_home, _remote);
        _home.Content.CreatePost("post0000000000000000000002", Channel, Alice, "again");
        await TestWorkspace.SettleAsync(_home, _remote);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_remote.Content.GetProfileImage(Alice), Is.EqualTo(Png));
            Assert.That(_transport.Requests.Count(r => r.Endpoint == RemoteEndpoint.ProfileImage), Is.EqualTo(1), "unchanged, it is not sent again");
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        byte[] newPicture = [.. Png, 0];
        _home.Content.SetLocalProfileImage(Alice, newPicture);
        _home.Content.CreatePost("post0000000000000000000003", Channel, Alice, "new picture");
        await TestWorkspace.SettleAsync(_home, _remote);

        Assert.That(_remote.Content.GetProfileImage(Alice), Is.EqualTo(newPicture));
    }

    [Test]
    public async Task ProfileImage_ForAUserTheSenderDoesNotOwn_IsRefused()
    {
        // The remote's own admin, and a user of this (home) workspace known there: neither belongs to the sender.
        string remoteAdmin = TestWorkspace.Admin;
        _home.Content.CreatePost("post0000000000000000000001", Channel, Alice, "hello");
        await TestWorkspace.SettleAsync(_home, _remote);

        RemoteResponse ownedByReceiver = await SendImageToHomeAsync(remoteAdmin, Png);
        RemoteResponse ownedByHome = await SendImageToHomeAsync(Alice, Png);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ownedByReceiver.StatusCode, Is.EqualTo(403));
            Assert.That(ownedByHome.StatusCode, Is.EqualTo(403));
            Assert.That(_home.Content.GetProfileImage(Alice), Is.Null);
        }
    }

    [Test]
    public async Task ProfileImage_FromTheOwner_IsStored_AndTooLargeOrNotAnImageIsRefused()
    {
        // A user of the remote workspace that the home knows, owned by the connection.
        const string Bob = "bob00000000000000000000000";
        _remote.Content.AddLocalUser(Bob, "bob");
        _remote.Content.CreatePost("post0000000000000000000009", Channel, Bob, "hi from remote");
        await TestWorkspace.SettleAsync(_home, _remote);

        RemoteResponse notAnImage = await SendImageToHomeAsync(Bob, "<svg onload=alert(1)>"u8.ToArray());
        RemoteResponse tooLarge = await SendImageToHomeAsync(Bob, [.. Png, .. new byte[SharedChannelsOptions.DefaultMaxProfileImageBytes]]);
        RemoteResponse ok = await SendImageToHomeAsync(Bob, Png);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(notAnImage.StatusCode, Is.EqualTo(400));
            Assert.That(tooLarge.StatusCode, Is.EqualTo(413));
            Assert.That(ok.StatusCode, Is.EqualTo(200));
            Assert.That(WireFormat.TryReadReply(ok.Body.Span)?.IsOk, Is.True);
            Assert.That(_home.Content.GetProfileImage(Bob), Is.EqualTo(Png));
        }
    }

    // The remote workspace sending an image to the home over its connection, signed as SDK peers sign.
    private async Task<RemoteResponse> SendImageToHomeAsync(string userId, byte[] image)
    {
        // Each request its own timestamp: the same signed bytes twice would be refused as a replay.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var connection = await _remote.RecordAsync(_connectionId);
        var request = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.ProfileImage,
            RemoteId = _connectionId,
            Token = connection.RemoteToken,
            UserId = userId,
            Body = image,
        };
        return await _home.Dispatcher.DispatchAsync(request.Signed(_time));
    }

    private void PostWithFile(byte[] content, string name)
    {
        _home.Content.AddFile(new FileAttachment { Id = FileId, ChannelId = Channel, UserId = Alice, Name = name, Size = content.Length, MimeType = "application/pdf" }, content);
        _home.Content.CreatePost("post0000000000000000000001", Channel, Alice, "see attached", fileIds: [FileId]);
    }

    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i % 251))];

    private static string Describe(CuttingTransport.Sent sent) => sent switch
    {
        { Endpoint: RemoteEndpoint.Upload } => "upload",
        { Topic: Topics.SharedChannelSync } => "sync:" + string.Join('+', new[] { "users", "posts" }.Where(p => sent.Payload!.Value.TryGetProperty(p, out _))),
        _ => sent.Topic ?? sent.Endpoint.ToString(),
    };
}
