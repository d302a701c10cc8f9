using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SharedChannels.Identity;
using SharedChannels.Internal;
using SharedChannels.Testing;

namespace SharedChannels.Tests.Internal;

/// <summary>The limits and fall-backs of the sync page size and window settings.</summary>
public sealed class SharedChannelsOptionsValidatorTests
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

    private static ValidateOptionsResult Validate(Action<SharedChannelsOptions> configure)
    {
        var options = new SharedChannelsOptions();
        configure(options);
        return new SharedChannelsOptionsValidator().Validate(Options.DefaultName, options);
    }

    [Test]
    public void Start_MaxSyncRequestsInFlightAbove64_FailsNamingIt()
    {
        using ServiceProvider provider = Build(o => o.MaxSyncRequestsInFlight = 65);

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(provider));

        Assert.That(ex!.Failures, Has.One.Contains("MaxSyncRequestsInFlight (65)").And.Contains("64"));
    }

    [TestCase(10_001, 50, TestName = "Start_MaxPostsPerSyncAbove10000_FailsNamingIt")]
    [TestCase(50, 10_001, TestName = "Start_MaxPostsPerSyncToSdkPeersAbove10000_FailsNamingIt")]
    public void Start_PageSizeAbove10000_FailsNamingTheSettings(int maxPostsPerSync, int maxPostsPerSyncToSdkPeers)
    {
        using ServiceProvider provider = Build(o =>
        {
            o.MaxPostsPerSync = maxPostsPerSync;
            o.MaxPostsPerSyncToSdkPeers = maxPostsPerSyncToSdkPeers;
        });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(provider));

        Assert.That(
            ex!.Failures,
            Has.One.Contains($"MaxPostsPerSync ({maxPostsPerSync})").And.Contains($"MaxPostsPerSyncToSdkPeers ({maxPostsPerSyncToSdkPeers})").And.Contains("10000"));
    }

    [Test]
    public void Validate_AllThreeAboveTheirLimits_ReportsEachSetting()
    {
        ValidateOptionsResult result = Validate(o =>
        {
            o.MaxPostsPerSync = 20_000;
            o.MaxPostsPerSyncToSdkPeers = 20_000;
            o.MaxSyncRequestsInFlight = 1_000;
        });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Has.Some.Contains("MaxSyncRequestsInFlight").And.Some.Contains("MaxPostsPerSyncToSdkPeers"));
    }

    [TestCase(64, 10_000, 10_000)]
    [TestCase(1, 1, 1)]
    [TestCase(0, 0, 0)]
    [TestCase(-5, -1, -1)]
    public void Validate_WithinLimitsOrBelowOne_Succeeds(int window, int maxPostsPerSync, int maxPostsPerSyncToSdkPeers)
    {
        ValidateOptionsResult result = Validate(o =>
        {
            o.MaxSyncRequestsInFlight = window;
            o.MaxPostsPerSync = maxPostsPerSync;
            o.MaxPostsPerSyncToSdkPeers = maxPostsPerSyncToSdkPeers;
        });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [TestCase(0, 4)]
    [TestCase(-1, 4)]
    [TestCase(int.MinValue, 4)]
    [TestCase(1, 1)]
    [TestCase(7, 7)]
    [TestCase(64, 64)]
    public void EffectiveMaxSyncRequestsInFlight_BelowOne_MeansDefault(int configured, int effective)
    {
        Assert.That(new SharedChannelsOptions { MaxSyncRequestsInFlight = configured }.EffectiveMaxSyncRequestsInFlight, Is.EqualTo(effective));
    }

    [Test]
    public void Defaults_AreFourInFlightAnd500PostsToSdkPeers()
    {
        var options = new SharedChannelsOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.EffectiveMaxSyncRequestsInFlight, Is.EqualTo(SharedChannelsOptions.DefaultMaxSyncRequestsInFlight).And.EqualTo(4));
            Assert.That(options.EffectiveMaxPostsPerSyncToSdkPeers, Is.EqualTo(SharedChannelsOptions.DefaultMaxPostsPerSyncToSdkPeers).And.EqualTo(500));
            Assert.That(options.EffectiveMaxPostsPerSync, Is.EqualTo(50));
        }
    }

    [TestCase(50, 0, 500, TestName = "EffectiveMaxPostsPerSyncToSdkPeers_Zero_MeansDefault")]
    [TestCase(50, -3, 500, TestName = "EffectiveMaxPostsPerSyncToSdkPeers_Negative_MeansDefault")]
    [TestCase(0, 0, 500, TestName = "EffectiveMaxPostsPerSyncToSdkPeers_BothBelowOne_MeansDefault")]
    [TestCase(50, 2_000, 2_000, TestName = "EffectiveMaxPostsPerSyncToSdkPeers_Configured_IsUsed")]
    [TestCase(200, 100, 200, TestName = "EffectiveMaxPostsPerSyncToSdkPeers_BelowMaxPostsPerSync_IsRaisedToIt")]
    [TestCase(0, 10, 50, TestName = "EffectiveMaxPostsPerSyncToSdkPeers_BelowDefaultMaxPostsPerSync_IsRaisedToIt")]
    [TestCase(800, 0, 800, TestName = "EffectiveMaxPostsPerSyncToSdkPeers_DefaultBelowMaxPostsPerSync_IsRaisedToIt")]
    public void EffectiveMaxPostsPerSyncToSdkPeers_IsNeverBelowEffectiveMaxPostsPerSync(int maxPostsPerSync, int maxPostsPerSyncToSdkPeers, int effective)
    {
        var options = new SharedChannelsOptions { MaxPostsPerSync = maxPostsPerSync, MaxPostsPerSyncToSdkPeers = maxPostsPerSyncToSdkPeers };

        Assert.That(options.EffectiveMaxPostsPerSyncToSdkPeers, Is.EqualTo(effective));
    }

    [TestCase(0.5)]
    [TestCase(0)]
    [TestCase(601)]
    public void Validate_ConnectionLeaseDurationOutOfRange_FailsNamingIt(double seconds)
    {
        ValidateOptionsResult result = Validate(o => o.ConnectionLeaseDuration = TimeSpan.FromSeconds(seconds));

        Assert.That(result.Failures, Has.One.Contains("ConnectionLeaseDuration").And.Contains("between 1 second and 10 minutes"));
    }

    [TestCase("")]
    [TestCase("node a")]
    [TestCase("node|a")]
    [TestCase("nøde")]
    public void Validate_UnusableNodeId_FailsSayingWhatCanBeUsed(string nodeId)
    {
        ValidateOptionsResult result = Validate(o => o.NodeId = nodeId);

        Assert.That(result.Failures, Has.One.Contains("NodeId must be 1 to 128"));
    }

    [TestCase("chat-1")]
    [TestCase("host.example.com:4711@eu")]
    public void Validate_UsableNodeIdAndLeaseDuration_Succeeds(string nodeId)
    {
        ValidateOptionsResult result = Validate(o =>
        {
            o.NodeId = nodeId;
            o.ConnectionLeaseDuration = TimeSpan.FromSeconds(1);
        });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void Defaults_LeaseOfFiveSecondsRenewedEveryThirdAndNoNodeId()
    {
        var options = new SharedChannelsOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.ConnectionLeaseDuration, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.ConnectionLeaseRenewInterval, Is.EqualTo(TimeSpan.FromSeconds(5) / 3));
            Assert.That(options.NodeId, Is.Null);
            Assert.That(SharedChannels.Coordination.Internal.NodeIds.IsValid(SharedChannels.Coordination.Internal.NodeIds.Generate()), Is.True, "a generated id is one a host could configure");
        }
    }
}
