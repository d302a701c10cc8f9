using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Sharing;
using SharedChannels.Sync;
using SharedChannels.Identity;
using SharedChannels.Internal;
using SharedChannels.Invitations;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Tests.TestSupport;

/// <summary>One SDK instance wired through DI on a loopback network, with a fake clock.</summary>
internal sealed class TestWorkspace : IAsyncDisposable
{
    public const string Admin = "admin000000000000000000000";

    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private TestWorkspace(string siteUrl, ServiceProvider provider, IHostedService[] hosted)
    {
        SiteUrl = siteUrl;
        _provider = provider;
        _hosted = hosted;
    }

    public string SiteUrl { get; }

    public IServiceProvider Services => _provider;

    public SecureConnections Connections => _provider.GetRequiredService<SecureConnections>();

    public ConnectionMonitor Monitor => _provider.GetRequiredService<ConnectionMonitor>();

    public RemoteFrameDispatcher Dispatcher => _provider.GetRequiredService<RemoteFrameDispatcher>();

    public IConnectionStore Store => _provider.GetRequiredService<IConnectionStore>();

    public InMemoryPermissionChecker Permissions => (InMemoryPermissionChecker)_provider.GetRequiredService<IPermissionChecker>();

    public CapturingLoggerProvider Logs => _provider.GetRequiredService<CapturingLoggerProvider>();

    public InMemoryChatContent Content => _provider.GetRequiredService<InMemoryChatContent>();

    public ChannelSharing Sharing => _provider.GetRequiredService<ChannelSharing>();

    public SharedChannelSync Sync => _provider.GetRequiredService<SharedChannelSync>();

    /// <summary>
    /// Starts a workspace at <c>https://{name}.test</c>. The background monitor loop is not started unless
    /// <paramref name="runBackgroundMonitor"/> is set: tests drive ping rounds themselves. Invitation codes are sealed
    /// with <see cref="InvitationKeyDerivationCost.CheapForTestsOnly"/> unless <paramref name="mattermostKeyDerivation"/>
    /// is set: only tests about invitation codes themselves pay for Mattermost's key derivation.
    /// </summary>
    public static async Task<TestWorkspace> StartAsync(
        string name,
        LoopbackNetwork network,
        FakeTimeProvider time,
        Action<SharedChannelsOptions>? configure = null,
        IConnectionStore? store = null,
        Action<IServiceCollection>? services = null,
        bool runBackgroundMonitor = false,
        bool mattermostKeyDerivation = false)
    {
        string siteUrl = $"https://{name}.test";
        var permissions = new InMemoryPermissionChecker();
        permissions.AddSystemAdmin(Admin);
        var logs = new CapturingLoggerProvider();
        var content = new InMemoryChatContent(time);
        content.AddLocalUser(Admin, "admin-" + name);

        var collection = new ServiceCollection();
        collection.AddSingleton(logs);
        collection.AddSingleton(content);
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        collection.AddSingleton<TimeProvider>(time);
        collection.AddSingleton(mattermostKeyDerivation ? InvitationKeyDerivationCost.Mattermost : InvitationKeyDerivationCost.CheapForTestsOnly);
        collection.AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.EnableSharedChannels = true;
                o.SiteUrl = siteUrl;
                configure?.Invoke(o);
            })
            .UseLoopbackTransport(network)
            .UsePermissionChecker(permissions)
            .UseInMemoryContent(content);
        if (store is not null)
        {
            collection.AddSingleton(store);
        }

        services?.Invoke(collection);
        ServiceProvider provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>().Where(h => runBackgroundMonitor || h is not SharedChannelsHostedService)];
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return new TestWorkspace(siteUrl, provider, hosted);
    }

    /// <summary>Creates a connection on this workspace and accepts it on <paramref name="peer"/>; returns the connection id.</summary>
    public async Task<string> ConnectToAsync(TestWorkspace peer, string name = "peer")
    {
        ConnectionInvitation invitation = await Connections.CreateAsync(Admin, new CreateConnectionRequest { Name = name, Password = "pw" });
        await peer.Connections.AcceptAsync(Admin, new AcceptInvitationRequest { Name = name + "-inviter", InvitationCode = invitation.InvitationCode, Password = "pw" });
        return invitation.Connection.Id;
    }

    public async Task<ConnectionRecord> RecordAsync(string connectionId) =>
        await Store.GetAsync(connectionId) ?? throw new AssertionException($"connection {connectionId} is not stored");

    public async ValueTask DisposeAsync()
    {
        foreach (IHostedService service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
    }

    /// <summary>Waits until no workspace has sync work running or due (relays included).</summary>
    public static async Task SettleAsync(params TestWorkspace[] workspaces)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (TestWorkspace workspace in workspaces)
            {
                await workspace.Sync.WhenIdleAsync(guard.Token);
            }

            if (workspaces.All(w => w.Sync.IsIdle))
            {
                return;
            }
        }
    }

    /// <summary>An in-memory store instance, for tests that restart a workspace on the same state.</summary>
    public static IConnectionStore NewStore() => new InMemoryConnectionStore();
}
