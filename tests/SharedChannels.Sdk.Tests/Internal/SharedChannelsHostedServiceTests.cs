using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SharedChannels.Content;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Testing;

namespace SharedChannels.Tests.Internal;

/// <summary>The hosted service that runs the monitor and the start-up resume pass.</summary>
public sealed class SharedChannelsHostedServiceTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";

    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    }

    [Test]
    public async Task StartAsync_ResumePassFails_LogsTheFailure()
    {
        var store = new Mock<IConnectionStore>();
        store.Setup(s => s.ListAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("the connection table is unreadable"));
        await using TestWorkspace workspace = await TestWorkspace.StartAsync("a", _network, _time, store: store.Object, runBackgroundMonitor: true);

        await HostedService(workspace).Resumed.WaitAsync(TimeSpan.FromSeconds(10));

        string resumeFailure = workspace.Logs.Lines.SingleOrDefault(l => l.Contains("[1301]", StringComparison.Ordinal)) ?? string.Empty;
        Assert.That(resumeFailure, Does.StartWith("Error ").And.Contain("the connection table is unreadable"));
    }

    [Test]
    public async Task StopAsync_ThenContentChanges_SyncStillWorksUntilTheContainerDisposesIt()
    {
        await using TestWorkspace home = await TestWorkspace.StartAsync("home", _network, _time, runBackgroundMonitor: true);
        await using TestWorkspace remote = await TestWorkspace.StartAsync("remote", _network, _time);
        string connectionId = await home.ConnectToAsync(remote);
        home.Content.AddLocalUser(Alice, "alice");
        home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square" });
        await home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, connectionId);
        await TestWorkspace.SettleAsync(home, remote);

        await HostedService(home).StopAsync(CancellationToken.None);
        home.Content.CreatePost("post0000000000000000000001", Channel, Alice, "after the hosted service stopped");
        await TestWorkspace.SettleAsync(home, remote);

        Assert.That(remote.Content.GetPosts(Channel).Select(p => p.Message), Does.Contain("after the hosted service stopped"), "the container, not the hosted service, disposes SharedChannelSync");
        Assert.That(home.Logs.AllText, Does.Not.Contain("ObjectDisposedException"));
    }

    private static SharedChannelsHostedService HostedService(TestWorkspace workspace) =>
        workspace.Services.GetServices<IHostedService>().OfType<SharedChannelsHostedService>().Single();
}
