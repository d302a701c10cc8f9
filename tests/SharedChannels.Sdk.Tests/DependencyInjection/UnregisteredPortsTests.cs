using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Internal;
using SharedChannels.Sharing;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.Tests.DependencyInjection;

/// <summary>A host that registers no content ports uses secure connections, and is told what to register to share channels.</summary>
public sealed class UnregisteredPortsTests
{
    private const string Admin = "admin000000000000000000000";
    private const string Channel = "chan0000000000000000000000";

    private readonly List<ServiceProvider> _providers = [];
    private readonly List<IHostedService> _started = [];

    [TearDown]
    public async Task TearDown()
    {
        foreach (IHostedService hosted in Enumerable.Reverse(_started))
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        foreach (ServiceProvider provider in _providers)
        {
            await provider.DisposeAsync();
        }

        _started.Clear();
        _providers.Clear();
    }

    [Test]
    public async Task WithoutContentPorts_ConnectionsWork_SharingSaysWhatToRegister()
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        ServiceProvider inviter = await StartAsync("inviter", network, time);
        ServiceProvider acceptor = await StartAsync("acceptor", network, time);

        ConnectionInvitation invitation = await inviter.GetRequiredService<SecureConnections>()
            .CreateAsync(Admin, new CreateConnectionRequest { Name = "acceptor", Password = "pw" });
        await acceptor.GetRequiredService<SecureConnections>()
            .AcceptAsync(Admin, new AcceptInvitationRequest { Name = "inviter", InvitationCode = invitation.InvitationCode, Password = "pw" });
        ConnectionRecord? connected = await inviter.GetRequiredService<IConnectionStore>().GetAsync(invitation.Connection.Id);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => inviter.GetRequiredService<ChannelSharing>().ShareAsync(Admin, Channel));

        Assert.That(connected?.InvitationAccepted, Is.True);
        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
        Assert.That(ex.Message, Does.Contain("No IChannelContent is registered").And.Contain("UseChannelContent<T>()"));
    }

    [Test]
    public void WithoutPorts_EveryMemberThrows_DefaultMembersToo()
    {
        using ServiceProvider provider = Build(new ServiceCollection());
        IChannelContent content = provider.GetRequiredService<IChannelContent>();
        IUserDirectory users = provider.GetRequiredService<IUserDirectory>();

        Assert.Multiple(() =>
        {
            AssertNotRegistered(() => content.GetPostsAsync(["post"]).AsTask(), "IChannelContent", "UseChannelContent<T>()");
            AssertNotRegistered(() => content.GetReactionAsync("post", "user", "smile").AsTask(), "IChannelContent", "UseChannelContent<T>()");
            AssertNotRegistered(() => users.GetProfileImageAsync("user").AsTask(), "IUserDirectory", "UseUserDirectory<T>()");
            AssertNotRegistered(() => users.ListLocalUsersAsync(DateTimeOffset.MinValue, string.Empty, 10).AsTask(), "IUserDirectory", "UseUserDirectory<T>()");
            AssertNotRegistered(() => provider.GetRequiredService<ISystemMessages>().PostAsync(Channel, "hi").AsTask(), "ISystemMessages", "UseSystemMessages<T>()");
            AssertNotRegistered(() => provider.GetRequiredService<IEmojiCatalog>().ExistsAsync("smile").AsTask(), "IEmojiCatalog", "UseEmojiCatalog<T>()");
            Assert.That(provider.GetService<IFileContent>(), Is.Null, "files stay optional");
        });
    }

    [Test]
    public async Task WithoutTransport_ServicesResolve_AndAcceptingAnInvitationSaysToCallUseHttpTransport()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.SiteUrl = "https://acceptor.test";
            })
            .UsePermissionChecker(new InMemoryPermissionChecker());
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        using ServiceProvider inviter = Build(new ServiceCollection());
        ConnectionInvitation invitation = await inviter.GetRequiredService<SecureConnections>()
            .CreateAsync(Admin, new CreateConnectionRequest { Name = "acceptor", Password = "pw" });
        var permissions = (InMemoryPermissionChecker)provider.GetRequiredService<IPermissionChecker>();
        permissions.AddSystemAdmin(Admin);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => provider.GetRequiredService<SecureConnections>()
            .AcceptAsync(Admin, new AcceptInvitationRequest { Name = "inviter", InvitationCode = invitation.InvitationCode, Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
        Assert.That(ex.Message, Does.Contain("UseHttpTransport()").And.Contain("SharedChannels.Sdk.Http").And.Not.Contain("Internal"));
        Assert.That(await provider.GetRequiredService<IConnectionStore>().ListAsync(), Is.Empty, "a failed acceptance keeps nothing");
    }

    [Test]
    public void PortRegisteredByTheHostAfterAddSharedChannels_Wins()
    {
        var content = new InMemoryChatContent(TimeProvider.System);
        var services = new ServiceCollection();

        using ServiceProvider provider = Build(services, s => s.AddSingleton<IChannelContent>(content));

        Assert.That(provider.GetRequiredService<IChannelContent>(), Is.SameAs(content));
    }

    private static void AssertNotRegistered(AsyncTestDelegate call, string port, string registration)
    {
        var ex = Assert.ThrowsAsync<SharedChannelsException>(call);
        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
        Assert.That(ex.Message, Does.Contain($"No {port} is registered").And.Contain(registration));
    }

    private static ServiceProvider Build(ServiceCollection services, Action<IServiceCollection>? after = null, string siteUrl = "https://host.test", LoopbackNetwork? network = null, TimeProvider? time = null)
    {
        var permissions = new InMemoryPermissionChecker();
        permissions.AddSystemAdmin(Admin);
        services.AddLogging();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.EnableSharedChannels = true;
                o.SiteUrl = siteUrl;
            })
            .UseLoopbackTransport(network ?? new LoopbackNetwork())
            .UsePermissionChecker(permissions);
        after?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private async Task<ServiceProvider> StartAsync(string name, LoopbackNetwork network, TimeProvider time)
    {
        ServiceProvider provider = Build(new ServiceCollection(), siteUrl: $"https://{name}.test", network: network, time: time);
        _providers.Add(provider);
        foreach (IHostedService hosted in provider.GetServices<IHostedService>().Where(h => h is not SharedChannelsHostedService))
        {
            await hosted.StartAsync(CancellationToken.None);
            _started.Add(hosted);
        }

        return provider;
    }
}
