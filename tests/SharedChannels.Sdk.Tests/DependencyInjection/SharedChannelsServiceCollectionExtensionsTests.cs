using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SharedChannels.Connections;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;
using SharedChannels.Testing;

namespace SharedChannels.Tests.DependencyInjection;

public sealed class SharedChannelsServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Action<SharedChannelsOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSharedChannels(configure).UseLoopbackTransport(new LoopbackNetwork()).UsePermissionChecker(new InMemoryPermissionChecker());
        return services.BuildServiceProvider();
    }

    private static async Task StartAsync(ServiceProvider provider)
    {
        foreach (IHostedService hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    [Test]
    public void AddSharedChannels_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddLogging();

        services.AddSharedChannels();
        services.AddSharedChannels();

        Assert.That(services.Count(d => d.ServiceType == typeof(SecureConnections)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<SharedChannelsOptions>)), Is.EqualTo(1));
    }

    [Test]
    public void AddSharedChannels_Defaults_UseInMemoryStorage()
    {
        using ServiceProvider provider = Build(o => { });

        Assert.That(provider.GetRequiredService<IConnectionStore>(), Is.TypeOf<InMemoryConnectionStore>());
    }

    [Test]
    public void Start_EnabledWithoutSiteUrl_FailsSayingWhatToSet()
    {
        using ServiceProvider provider = Build(o => o.EnableRemoteClusterService = true);

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(provider));

        Assert.That(ex!.Message, Does.Contain("SiteUrl is required"));
    }

    [TestCase("not a url", "not an absolute http or https URL")]
    [TestCase("ftp://chat.example.com", "not an absolute http or https URL")]
    public void Start_BadSiteUrl_Fails(string siteUrl, string expected)
    {
        using ServiceProvider provider = Build(o => { o.EnableRemoteClusterService = true; o.SiteUrl = siteUrl; });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(provider));

        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public void Start_InconsistentTimings_ReportsEveryProblem()
    {
        using ServiceProvider provider = Build(o =>
        {
            o.PingInterval = TimeSpan.FromMinutes(1);
            o.PingTimeout = TimeSpan.FromMinutes(2);
            o.OfflineAfter = TimeSpan.FromSeconds(30);
            o.InvitationExpiry = TimeSpan.Zero;
        });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(provider));

        Assert.That(ex!.Failures, Has.Some.Contains("PingTimeout").And.Some.Contains("OfflineAfter").And.Some.Contains("InvitationExpiry"));
    }

    [Test]
    public void Start_SharedChannelsWithoutRemoteClusterService_Fails()
    {
        using ServiceProvider provider = Build(o => o.EnableSharedChannels = true);

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(provider));

        Assert.That(ex!.Message, Does.Contain("EnableSharedChannels needs EnableRemoteClusterService"));
    }

    [Test]
    public async Task Services_WithoutPermissionChecker_ResolveAndSayWhatToRegister()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSharedChannels(o => { o.EnableRemoteClusterService = true; o.SiteUrl = "https://a.test"; }).UseLoopbackTransport(new LoopbackNetwork());
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => provider.GetRequiredService<SecureConnections>().ListAsync("admin"));

        Assert.That(ex!.Message, Does.Contain("UsePermissionChecker"));
        Assert.That(provider.GetRequiredService<SharedChannels.Transport.RemoteFrameDispatcher>(), Is.Not.Null, "inbound traffic does not need the checker");
    }

    [TestCase(0, 50)]
    [TestCase(-3, 50)]
    [TestCase(1, 1)]
    [TestCase(200, 200)]
    public void EffectiveMaxPostsPerSync_BelowOne_MeansDefault(int configured, int effective)
    {
        Assert.That(new SharedChannelsOptions { MaxPostsPerSync = configured }.EffectiveMaxPostsPerSync, Is.EqualTo(effective));
    }
}
