using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Sync;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Sync;

public sealed class FileSyncTests
{
    private const string Channel = "files00000000000000000000a";
    private const string Alice = "alice0000000000000000000aa";

    private TestWorkspace _home = null!;
    private TestWorkspace _remote = null!;
    private List<SyncItemRejectedEventArgs> _rejected = null!;

    [SetUp]
    public async Task SetUp()
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _home = await TestWorkspace.StartAsync("home", network, time);
        _remote = await TestWorkspace.StartAsync("remote", network, time);
        string id = await _home.ConnectToAsync(_remote);
        _home.Content.AddLocalUser(Alice, "alice");
        _home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "files" });
        await _home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, id);
        _rejected = [];
        _home.Sync.ItemRejected += (_, e) => _rejected.Add(e);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _home.DisposeAsync();
        await _remote.DisposeAsync();
    }

    private void PostWithFile(string postId, string fileId, int size)
    {
        _home.Content.AddFile(new FileAttachment { Id = fileId, ChannelId = Channel, UserId = Alice, Name = "report.pdf", Size = size, MimeType = "application/pdf" }, new byte[size]);
        _home.Content.CreatePost(postId, Channel, Alice, "see attached", fileIds: [fileId]);
    }

    [Test]
    public async Task PostWithFile_FileArrivesWithThePost()
    {
        PostWithFile("post0000000000000000000001", "file0000000000000000000001", 2048);
        await TestWorkspace.SettleAsync(_home, _remote);

        FileAttachment? file = await _remote.Content.GetFileAsync("file0000000000000000000001");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(file?.Name, Is.EqualTo("report.pdf"));
            Assert.That(file?.Size, Is.EqualTo(2048));
            Assert.That((await _remote.Content.ReadContentAsync("file0000000000000000000001")).Length, Is.EqualTo(2048));
            Assert.That(_remote.Content.GetPosts(Channel).Single().FileIds, Is.EqualTo(new[] { "file0000000000000000000001" }));
            Assert.That(_rejected, Is.Empty);
        }
    }

    [Test]
    public async Task ReceiverWithFilesDisabled_RefusesWithAClearErrorAndThePostStillArrives()
    {
        _remote.Content.EnableFileAttachments = false;

        PostWithFile("post0000000000000000000001", "file0000000000000000000001", 10);
        await TestWorkspace.SettleAsync(_home, _remote);

        Assert.That(_remote.Content.HasFile("file0000000000000000000001"), Is.False);
        Assert.That(_remote.Content.GetPosts(Channel), Has.Count.EqualTo(1));
        Assert.That(_rejected.Select(r => (r.Kind, r.ItemId)), Is.EqualTo(new[] { ("file", "file0000000000000000000001") }));
        Assert.That(_rejected[0].Reason, Does.Contain("file attachments are disabled"));
    }

    [Test]
    public async Task FileOverTheReceiversLimit_IsRefusedNamingTheLimit()
    {
        _remote.Content.MaxFileSize = 1000;

        PostWithFile("post0000000000000000000001", "file0000000000000000000001", 1001);
        await TestWorkspace.SettleAsync(_home, _remote);

        Assert.That(_remote.Content.HasFile("file0000000000000000000001"), Is.False);
        Assert.That(_rejected.Single().Reason, Does.Contain("at most 1000"));
    }

    [Test]
    public async Task FileLargerThanTheReceiversMaxFrameBytes_IsRefusedAndTheChannelKeepsSyncing()
    {
        // The host would take the file, but its bytes could never arrive in one request the receiver accepts.
        _remote.Content.MaxFileSize = long.MaxValue;

        PostWithFile("post0000000000000000000001", "file0000000000000000000001", 17 * 1024 * 1024);
        _home.Content.CreatePost("post0000000000000000000002", Channel, Alice, "after the big file");
        await TestWorkspace.SettleAsync(_home, _remote);

        Assert.That(_remote.Content.HasFile("file0000000000000000000001"), Is.False);
        Assert.That(_rejected.Single().Reason, Does.Contain("at most 16777216"));
        Assert.That(_remote.Content.GetPosts(Channel).Select(p => p.Id), Is.EqualTo(new[] { "post0000000000000000000001", "post0000000000000000000002" }));
    }

    [Test]
    public async Task EditOfAPostWithAFile_DoesNotUploadItAgain()
    {
        PostWithFile("post0000000000000000000001", "file0000000000000000000001", 10);
        await TestWorkspace.SettleAsync(_home, _remote);
        _remote.Content.EnableFileAttachments = false;

        _home.Content.EditPost("post0000000000000000000001", "see attached (v2)");
        await TestWorkspace.SettleAsync(_home, _remote);

        Assert.That(_rejected, Is.Empty, "the file was not announced again");
        Assert.That(_remote.Content.GetPosts(Channel).Single().Message, Is.EqualTo("see attached (v2)"));
    }
}
