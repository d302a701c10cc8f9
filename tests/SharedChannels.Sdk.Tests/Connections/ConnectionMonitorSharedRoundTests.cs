using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using SharedChannels.Testing;

namespace SharedChannels.Tests.Connections;

/// <summary>Callers of <see cref="ConnectionMonitor.PingAllAsync"/> that arrive during a round share it; each one's token only ends its own wait.</summary>
public sealed class ConnectionMonitorSharedRoundTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private FakeTimeProvider _time = null!;
    private HeldPingTransport _transport = null!;
    private TestWorkspace _a = null!;
    private TestWorkspace _b = null!;
    private string _id = null!;

    [SetUp]
    public async Task SetUp()
    {
        var network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _transport = new HeldPingTransport(network);
        _a = await TestWorkspace.StartAsync("a", network, _time, services: s => s.AddSingleton<IRemoteTransport>(_transport));
        _b = await TestWorkspace.StartAsync("b", network, _time);
        _id = await _a.ConnectToAsync(_b);
        _time.Advance(TimeSpan.FromMinutes(3));
    }

    [TearDown]
    public async Task TearDown()
    {
        _transport.Release();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    public async Task PingAllAsync_FirstCallerCancels_SharedRoundStillCompletesForTheOthers()
    {
        using var first = new CancellationTokenSource();
        Task firstWait = _a.Monitor.PingAllAsync(first.Token);
        await _transport.PingStarted.WaitAsync(Timeout);
        Task secondWait = _a.Monitor.PingAllAsync();

        await first.CancelAsync();
        Assert.That(async () => await firstWait.WaitAsync(Timeout), Throws.InstanceOf<OperationCanceledException>(), "the first caller stops waiting");
        Assert.That(secondWait.IsCompleted, Is.False, "the shared round goes on for the second caller");

        _transport.Release();
        await secondWait.WaitAsync(Timeout);

        Assert.That(secondWait.IsCompletedSuccessfully, Is.True);
        Assert.That((await _a.RecordAsync(_id)).LastPingAt, Is.EqualTo(_time.GetUtcNow()), "the ping of the shared round was answered and recorded");
        Assert.That(_transport.Pings, Is.EqualTo(1), "both callers shared one round");
    }

    [Test]
    public async Task PingAllAsync_AlreadyCancelledToken_StartsNoRound()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        Assert.That(async () => await _a.Monitor.PingAllAsync(caller.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_transport.Pings, Is.Zero);
    }

    [Test]
    public async Task Dispose_RoundInFlight_CancelsItAndRefusesNewRounds()
    {
        Task wait = _a.Monitor.PingAllAsync();
        await _transport.PingStarted.WaitAsync(Timeout);

        _a.Monitor.Dispose();

        Assert.That(async () => await wait.WaitAsync(Timeout), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => _a.Monitor.PingAllAsync(), Throws.InstanceOf<ObjectDisposedException>());
    }

    /// <summary>A loopback transport that holds every ping until <see cref="Release"/> (or the sender's token ends it).</summary>
    private sealed class HeldPingTransport(LoopbackNetwork network) : IRemoteTransport
    {
        private readonly LoopbackTransport _inner = new(network);
        private readonly TaskCompletionSource _pingStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pings;

        public Task PingStarted => _pingStarted.Task;

        public int Pings => Volatile.Read(ref _pings);

        public void Release() => _release.TrySetResult();

        public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
        {
            if (request.Endpoint == RemoteEndpoint.Ping)
            {
                Interlocked.Increment(ref _pings);
                _pingStarted.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }

            return await _inner.SendAsync(siteUrl, request, cancellationToken);
        }
    }
}
