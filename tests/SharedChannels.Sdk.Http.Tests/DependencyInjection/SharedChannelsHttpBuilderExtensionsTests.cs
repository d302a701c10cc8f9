using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SharedChannels.Identity;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Http.Tests.DependencyInjection;

public sealed class SharedChannelsHttpBuilderExtensionsTests
{
    [Test]
    public async Task UseHttpTransport_AfterAddSharedChannels_ResolvesHttpTransport()
    {
        var services = new ServiceCollection();
        services.AddSharedChannels().UseHttpTransport().UsePermissionChecker(new InMemoryPermissionChecker());

        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.That(provider.GetRequiredService<IRemoteTransport>(), Is.InstanceOf<HttpRemoteTransport>());
    }

    [Test]
    public async Task UseHttpTransport_CalledTwice_RegistersOneTransport()
    {
        var services = new ServiceCollection();
        ISharedChannelsBuilder builder = services.AddSharedChannels();

        builder.UseHttpTransport().UseHttpTransport();

        await using ServiceProvider provider = services.BuildServiceProvider();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IRemoteTransport)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(HttpRemoteTransport)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<HttpRemoteTransportOptions>)), Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<IRemoteTransport>(), Is.SameAs(provider.GetRequiredService<HttpRemoteTransport>()));
        }
    }

    [Test]
    public async Task UseHttpTransport_AfterLoopbackTransport_ReplacesIt()
    {
        var services = new ServiceCollection();
        services.AddSharedChannels().UseLoopbackTransport(new LoopbackNetwork()).UseHttpTransport();

        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IRemoteTransport>(), Is.InstanceOf<HttpRemoteTransport>());
    }

    [Test]
    public async Task UseHttpTransport_Configure_AppliesOptions()
    {
        var services = new ServiceCollection();
        services.AddSharedChannels().UseHttpTransport(o => o.MaxResponseBytes = 4096);

        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<HttpRemoteTransportOptions>>().Value.MaxResponseBytes, Is.EqualTo(4096));
    }

    [TestCase(0, 60, "MaxResponseBytes")]
    [TestCase(1024, 0, "Timeout")]
    [TestCase(1024, -5, "Timeout")]
    public async Task UseHttpTransport_InvalidOptions_FailValidationNamingTheSetting(int maxResponseBytes, int timeoutSeconds, string setting)
    {
        var services = new ServiceCollection();
        services.AddSharedChannels().UseHttpTransport(o =>
        {
            o.MaxResponseBytes = maxResponseBytes;
            o.Timeout = TimeSpan.FromSeconds(timeoutSeconds);
        });

        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<HttpRemoteTransportOptions>>().Value);
        Assert.That(ex!.Message, Does.Contain($"HttpRemoteTransportOptions.{setting}"));
    }

    [Test]
    public async Task UseHttpTransport_InfiniteTimeout_IsValid()
    {
        var services = new ServiceCollection();
        services.AddSharedChannels().UseHttpTransport(o => o.Timeout = Timeout.InfiniteTimeSpan);

        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<HttpRemoteTransportOptions>>().Value.Timeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [Test]
    public async Task UseHttpTransport_NamedClient_LeavesDeadlinesToTheSdk()
    {
        var services = new ServiceCollection();
        services.AddSharedChannels().UseHttpTransport();

        await using ServiceProvider provider = services.BuildServiceProvider();
        using HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpRemoteTransport.HttpClientName);

        Assert.That(client.Timeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [Test]
    public void UseHttpTransport_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => SharedChannelsHttpBuilderExtensions.UseHttpTransport(null!));
}
