using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Testing.Chaos;
using SharedChannels.Transport;

namespace SharedChannels.Sqlite.Tests.Chaos;

public sealed class FaultInjectingTransportTests
{
    private static readonly Uri Site = new("https://peer.test");
    private static readonly Uri OtherSite = new("https://other.test");

    private static RemoteRequest Request(string body) => new() { Endpoint = RemoteEndpoint.Message, RemoteId = "r", Token = "t", Body = Encoding.UTF8.GetBytes(body) };

    private static string Text(RemoteResponse response) => Encoding.UTF8.GetString(response.Body.Span);

    [Test]
    public async Task SendAsync_NoFaults_DeliversEachRequestOnce()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner);

        RemoteResponse response = await transport.SendAsync(Site, Request("a"));

        Assert.That(Text(response), Is.EqualTo("echo a"));
        Assert.That(inner.Delivered, Is.EqualTo(new[] { "a" }));
        Assert.That(transport.Statistics.Requests, Is.EqualTo(1));
        Assert.That(transport.Statistics.TotalInjected, Is.Zero);
    }

    [Test]
    public async Task SendAsync_DropBeforeSend_FailsAsUnreachableAndDeliversNothing()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { DropBeforeSendProbability = 1 });

        Assert.That(() => transport.SendAsync(Site, Request("a")), Throws.InstanceOf<HttpRequestException>());
        Assert.That(inner.Delivered, Is.Empty);
        Assert.That(transport.Statistics.DroppedBeforeSend, Is.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_DropAfterDelivery_PeerGetsTheRequestButSenderSeesAFailure()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { DropAfterDeliveryProbability = 1 });

        Assert.That(() => transport.SendAsync(Site, Request("a")), Throws.InstanceOf<HttpRequestException>().With.Message.Contains("answer was lost"));
        Assert.That(inner.Delivered, Is.EqualTo(new[] { "a" }));
        Assert.That(transport.Statistics.DroppedAfterDelivery, Is.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_Duplicate_DeliversTwiceAndReturnsTheFirstAnswer()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { DuplicateProbability = 1 });

        RemoteResponse response = await transport.SendAsync(Site, Request("a"));

        Assert.That(Text(response), Is.EqualTo("echo a"));
        Assert.That(inner.Delivered, Is.EqualTo(new[] { "a", "a" }));
        Assert.That(transport.Statistics.Duplicated, Is.EqualTo(1));
        Assert.That(transport.Statistics.Deliveries, Is.EqualTo(2));
    }

    [Test]
    public async Task SendAsync_ServerError_Answers5xxWithoutDelivering()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { ServerErrorProbability = 1 });

        RemoteResponse response = await transport.SendAsync(Site, Request("a"));

        Assert.That(response.StatusCode, Is.InRange(500, 599));
        Assert.That(Text(response), Does.Contain("\"status\":\"FAIL\""));
        Assert.That(inner.Delivered, Is.Empty);
        Assert.That(transport.Statistics.ServerErrors, Is.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_Delay_WaitsOnTheConfiguredClock()
    {
        var clock = new FakeTimeProvider();
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { DelayProbability = 1, MaxDelay = TimeSpan.FromSeconds(10), TimeProvider = clock });

        Task<RemoteResponse> sending = transport.SendAsync(Site, Request("a"));
        await Task.Yield();
        bool deliveredEarly = inner.Delivered.Count > 0;
        clock.Advance(TimeSpan.FromSeconds(10));
        RemoteResponse response = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(deliveredEarly, Is.False);
        Assert.That(Text(response), Is.EqualTo("echo a"));
        Assert.That(transport.Statistics.Delayed, Is.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_Reorder_HeldRequestArrivesAfterTheNextOneToTheSameSite()
    {
        var clock = new FakeTimeProvider();
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { ReorderProbability = 1, TimeProvider = clock });

        Task<RemoteResponse> first = transport.SendAsync(Site, Request("first"));
        transport.IsInjecting = false;
        RemoteResponse other = await transport.SendAsync(OtherSite, Request("elsewhere"));
        RemoteResponse second = await transport.SendAsync(Site, Request("second"));
        RemoteResponse firstAnswer = await first.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(inner.Delivered, Is.EqualTo(new[] { "elsewhere", "second", "first" }), "another site does not release the held request; the next request to its site does");
        Assert.That(Text(firstAnswer), Is.EqualTo("echo first"));
        Assert.That(Text(second), Is.EqualTo("echo second"));
        Assert.That(Text(other), Is.EqualTo("echo elsewhere"));
        Assert.That(transport.Statistics.Reordered, Is.EqualTo(1));
        Assert.That(transport.Statistics.LateDeliveries, Is.Zero);
    }

    [Test]
    public async Task SendAsync_ReorderWithoutNextRequest_DeliversWhenTheHoldExpires()
    {
        var clock = new FakeTimeProvider();
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { ReorderProbability = 1, MaxReorderHold = TimeSpan.FromSeconds(1), TimeProvider = clock });

        Task<RemoteResponse> sending = transport.SendAsync(Site, Request("a"));
        clock.Advance(TimeSpan.FromSeconds(1));
        RemoteResponse response = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(Text(response), Is.EqualTo("echo a"));
        Assert.That(inner.Delivered, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task SendAsync_ReorderAndSenderGivesUp_RequestStillArrivesAndCountsAsLate()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { ReorderProbability = 1, TimeProvider = new FakeTimeProvider() });
        using var patience = new CancellationTokenSource();

        Task<RemoteResponse> sending = transport.SendAsync(Site, Request("old"), patience.Token);
        await patience.CancelAsync();
        Assert.That(() => sending, Throws.InstanceOf<OperationCanceledException>());
        transport.IsInjecting = false;
        await transport.SendAsync(Site, Request("retry"));
        await transport.ReleaseHeldAsync();

        Assert.That(inner.Delivered, Is.EqualTo(new[] { "retry", "old" }));
        Assert.That(transport.Statistics.LateDeliveries, Is.EqualTo(1));
    }

    [Test]
    public async Task Partition_RequestsToThatSiteFailUntilHealed()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner);

        transport.Partition("https://PEER.test/");
        Assert.That(() => transport.SendAsync(Site, Request("cut")), Throws.InstanceOf<HttpRequestException>());
        RemoteResponse elsewhere = await transport.SendAsync(OtherSite, Request("elsewhere"));
        Assert.That(transport.PartitionedSites, Has.Count.EqualTo(1));
        transport.Heal("https://peer.test");
        RemoteResponse healed = await transport.SendAsync(Site, Request("healed"));

        Assert.That(inner.Delivered, Is.EqualTo(new[] { "elsewhere", "healed" }));
        Assert.That(Text(elsewhere), Is.EqualTo("echo elsewhere"));
        Assert.That(Text(healed), Is.EqualTo("echo healed"));
        Assert.That(transport.Statistics.Partitioned, Is.EqualTo(1));
    }

    [Test]
    public async Task Heal_EndsPartitionsStopsFaultsAndReleasesHeldRequests()
    {
        var inner = new RecordingInner();
        var transport = new FaultInjectingTransport(inner, new FaultOptions { ReorderProbability = 0.5, DropBeforeSendProbability = 0.5, Seed = 3, TimeProvider = new FakeTimeProvider() });
        transport.Partition(OtherSite.ToString());
        var pending = new List<Task>();
        for (int i = 0; i < 20 && transport.Statistics.Reordered == 0; i++)
        {
            pending.Add(transport.SendAsync(Site, Request("early" + i)));
        }

        transport.Heal();
        await transport.ReleaseHeldAsync();
        RemoteResponse after = await transport.SendAsync(OtherSite, Request("after"));

        Assert.That(transport.Statistics.Reordered, Is.EqualTo(1), "set-up: one request was held");
        Assert.That(transport.IsInjecting, Is.False);
        Assert.That(transport.PartitionedSites, Is.Empty);
        Assert.That(Text(after), Is.EqualTo("echo after"));
        Assert.That(inner.Delivered, Has.Some.StartsWith("early"), "the held request was delivered");
    }

    [Test]
    public async Task Seed_SameSeedAndRequests_InjectTheSameFaults()
    {
        var options = new FaultOptions { Seed = 42, DropBeforeSendProbability = 0.2, ServerErrorProbability = 0.2, DuplicateProbability = 0.2 };

        string first = await OutcomesAsync(new FaultInjectingTransport(new RecordingInner(), options));
        string second = await OutcomesAsync(new FaultInjectingTransport(new RecordingInner(), options));
        string other = await OutcomesAsync(new FaultInjectingTransport(new RecordingInner(), new FaultOptions { Seed = 43, DropBeforeSendProbability = 0.2, ServerErrorProbability = 0.2, DuplicateProbability = 0.2 }));

        Assert.That(second, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
        Assert.That(new FaultInjectingTransport(new RecordingInner(), options).Seed, Is.EqualTo(42));
    }

    [Test]
    public void Seed_NotSet_IsChosenAndExposed()
    {
        var transport = new FaultInjectingTransport(new RecordingInner(), new FaultOptions { DropBeforeSendProbability = 0.5 });

        Assert.That(transport.ToString(), Does.Contain($"seed {transport.Seed}"));
    }

    [TestCase(-0.1, 0, TestName = "Constructor_NegativeProbability_Throws")]
    [TestCase(1.1, 0, TestName = "Constructor_ProbabilityAboveOne_Throws")]
    [TestCase(0.6, 0.6, TestName = "Constructor_ProbabilitiesAddingUpAboveOne_Throws")]
    [TestCase(double.NaN, 0, TestName = "Constructor_NaNProbability_Throws")]
    public void Constructor_InvalidOptions_Throws(double drop, double duplicate)
    {
        Assert.That(
            () => new FaultInjectingTransport(new RecordingInner(), new FaultOptions { DropBeforeSendProbability = drop, DuplicateProbability = duplicate }),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Constructor_OptionsChangedLater_DoNotAffectTheTransport()
    {
        var options = new FaultOptions();
        var transport = new FaultInjectingTransport(new RecordingInner(), options);
        options.DropBeforeSendProbability = 1;

        Assert.That(() => transport.SendAsync(Site, Request("a")), Throws.Nothing);
    }

    private static async Task<string> OutcomesAsync(FaultInjectingTransport transport)
    {
        var outcomes = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            try
            {
                RemoteResponse response = await transport.SendAsync(Site, Request("r" + i));
                outcomes.Append(response.StatusCode).Append(',');
            }
            catch (HttpRequestException)
            {
                outcomes.Append("lost,");
            }
        }

        return outcomes.Append(transport.Statistics.Deliveries).ToString();
    }

    /// <summary>A peer that answers every request with "echo {body}" and records what it received, in order.</summary>
    private sealed class RecordingInner : IRemoteTransport
    {
        private readonly ConcurrentQueue<string> _delivered = new();

        public IReadOnlyList<string> Delivered => [.. _delivered];

        public Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
        {
            string body = Encoding.UTF8.GetString(request.Body.Span);
            _delivered.Enqueue(body);
            return Task.FromResult(new RemoteResponse(200, Encoding.UTF8.GetBytes("echo " + body)));
        }
    }
}
