using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SharedChannels.Connections;
using SharedChannels.Identity;
using SharedChannels.Internal;
using SharedChannels.Sharing;
using SharedChannels.Storage;
using SharedChannels.Sync;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Benchmarks;

/// <summary>
/// One SDK instance wired through DI on a loopback network, as the tests' <c>TestWorkspace</c> does, but with no log
/// provider (a host in production would filter below Information; here nothing is written at all).
/// </summary>
internal sealed class LoopbackWorkspace : IAsyncDisposable
{
    public const string Admin = "admin0000000000000000000000";

    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private LoopbackWorkspace(ServiceProvider provider, IHostedService[] hosted, InMemoryChatContent content)
    {
        _provider = provider;
        _hosted = hosted;
        Content = content;
    }

    public InMemoryChatContent Content { get; }

    public SecureConnections Connections => _provider.GetRequiredService<SecureConnections>();

    public RemoteFrameDispatcher Dispatcher => _provider.GetRequiredService<RemoteFrameDispatcher>();

    public IConnectionStore Store => _provider.GetRequiredService<IConnectionStore>();

    public ChannelSharing Sharing => _provider.GetRequiredService<ChannelSharing>();

    public SharedChannelSync Sync => _provider.GetRequiredService<SharedChannelSync>();

    /// <summary>Starts a workspace at <c>https://{name}.test</c>, without the background ping loop.</summary>
    public static async Task<LoopbackWorkspace> StartAsync(string name, LoopbackNetwork network, TimeProvider time)
    {
        var permissions = new InMemoryPermissionChecker();
        permissions.AddSystemAdmin(Admin);
        var content = new InMemoryChatContent(time);
        content.AddLocalUser(Admin, "admin-" + name);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.EnableSharedChannels = true;
                o.SiteUrl = $"https://{name}.test";
            })
            .UseLoopbackTransport(network)
            .UsePermissionChecker(permissions)
            .UseInMemoryContent(content);

        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>().Where(h => h is not SharedChannelsHostedService)];
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return new LoopbackWorkspace(provider, hosted, content);
    }

    /// <summary>Creates a connection here and accepts it on <paramref name="peer"/>; returns the connection id.</summary>
    public async Task<string> ConnectToAsync(LoopbackWorkspace peer, string name)
    {
        ConnectionInvitation invitation = await Connections.CreateAsync(Admin, new CreateConnectionRequest { Name = name, Password = "pw" });
        await peer.Connections.AcceptAsync(Admin, new AcceptInvitationRequest { Name = name + "-inviter", InvitationCode = invitation.InvitationCode, Password = "pw" });
        return invitation.Connection.Id;
    }

    /// <summary>Waits until no workspace has sync work running or due.</summary>
    public static async Task SettleAsync(params LoopbackWorkspace[] workspaces)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (LoopbackWorkspace workspace in workspaces)
            {
                await workspace.Sync.WhenIdleAsync(guard.Token);
            }

            if (workspaces.All(w => w.Sync.IsIdle))
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IHostedService service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
    }
}
