using System.Collections.Concurrent;
using System.Diagnostics;
using SharedChannels.Coordination;
using SharedChannels.PostgreSql.Tests.TestSupport;

namespace SharedChannels.PostgreSql.Tests.Coordination;

/// <summary>Two nodes (two storages) over one database: a change published by one wakes the other's listener.</summary>
[Category("Integration")]
public sealed class PostgreSqlChannelChangeSignalsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private TemporaryDatabase? _database;

    [SetUp]
    public async Task SetUpAsync() => _database = await TemporaryDatabase.CreateAsync();

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    public async Task MultiNode_PublishAsync_OnOneNode_WakesTheListenerOfTheOther()
    {
        var nodeA = new PostgreSqlChannelChangeSignals(_database!.Open());
        var nodeB = new PostgreSqlChannelChangeSignals(_database.Open());
        var heard = new RecordingListener();
        using var stop = new CancellationTokenSource();
        Task listening = nodeB.ListenAsync(heard, stop.Token);
        await heard.WaitForMissedAsync(1);

        var clock = Stopwatch.StartNew();
        await nodeA.PublishAsync(new ChannelChangeSignal("node-a", "channel|with|bars", "conn0000000000000000000001"));
        await nodeA.PublishAsync(new ChannelChangeSignal("node-a", "channel-2", null));
        ChannelChangeSignal[] signals = await heard.WaitForSignalsAsync(2);
        TestContext.Out.WriteLine($"Two signals heard {clock.Elapsed.TotalMilliseconds:F1} ms after the first was published.");

        await stop.CancelAsync();
        await listening;
        Assert.That(signals, Is.EqualTo(new[]
        {
            new ChannelChangeSignal("node-a", "channel|with|bars", "conn0000000000000000000001"),
            new ChannelChangeSignal("node-a", "channel-2", null),
        }));
    }

    [Test]
    public async Task MultiNode_ListenAsync_ConnectionKilled_ReconnectsAndReportsSignalsMissed()
    {
        var nodeA = new PostgreSqlChannelChangeSignals(_database!.Open());
        var nodeB = new PostgreSqlChannelChangeSignals(_database.Open(moreKeywords: "Application Name=listener-b"));
        var heard = new RecordingListener();
        using var stop = new CancellationTokenSource();
        Task listening = nodeB.ListenAsync(heard, stop.Token);
        await heard.WaitForMissedAsync(1);

        await using (var raw = await _database.OpenRawAsync())
        {
            await raw.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'listener-b';");
        }

        await heard.WaitForMissedAsync(2);
        await nodeA.PublishAsync(new ChannelChangeSignal("node-a", "after-reconnect", null));
        ChannelChangeSignal[] signals = await heard.WaitForSignalsAsync(1);

        await stop.CancelAsync();
        await listening;
        Assert.That(signals.Single().ChannelId, Is.EqualTo("after-reconnect"));
    }

    [Test]
    public async Task MultiNode_TwoSchemas_DoNotHearEachOther()
    {
        var workspace1 = new PostgreSqlChannelChangeSignals(_database!.Open("workspace_one"));
        var workspace2 = new PostgreSqlChannelChangeSignals(_database.Open("workspace_two"));
        var heard = new RecordingListener();
        using var stop = new CancellationTokenSource();
        Task listening = workspace2.ListenAsync(heard, stop.Token);
        await heard.WaitForMissedAsync(1);

        await workspace1.PublishAsync(new ChannelChangeSignal("node-a", "not-for-you", null));
        await workspace2.PublishAsync(new ChannelChangeSignal("node-a", "for-you", null));
        ChannelChangeSignal[] signals = await heard.WaitForSignalsAsync(1);

        await stop.CancelAsync();
        await listening;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workspace1.ChannelName, Is.Not.EqualTo(workspace2.ChannelName));
            Assert.That(signals.Select(s => s.ChannelId), Is.EqualTo(new[] { "for-you" }), "the signal of the other schema came first and was not heard");
        }
    }

    [Test]
    public void Parse_ForeignPayload_IsIgnored()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PostgreSqlChannelChangeSignals.Parse("hello"), Is.Null);
            Assert.That(PostgreSqlChannelChangeSignals.Parse("2|node|x|channel"), Is.Null, "a later format");
            Assert.That(PostgreSqlChannelChangeSignals.Parse("1|node||"), Is.Null, "no channel");
            Assert.That(PostgreSqlChannelChangeSignals.Parse("1|node||a|b"), Is.EqualTo(new ChannelChangeSignal("node", "a|b", null)));
        }
    }

    private sealed class RecordingListener : IChannelChangeListener
    {
        private readonly ConcurrentQueue<ChannelChangeSignal> _signals = new();
        private int _missed;

        public void OnChannelChanged(ChannelChangeSignal signal) => _signals.Enqueue(signal);

        public void OnSignalsMissed() => Interlocked.Increment(ref _missed);

        public async Task WaitForMissedAsync(int count)
        {
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref _missed) < count)
            {
                Assert.That(clock.Elapsed, Is.LessThan(Timeout), $"waiting for signals-missed #{count}");
                await Task.Delay(20);
            }
        }

        public async Task<ChannelChangeSignal[]> WaitForSignalsAsync(int count)
        {
            var clock = Stopwatch.StartNew();
            while (_signals.Count < count)
            {
                Assert.That(clock.Elapsed, Is.LessThan(Timeout), $"waiting for {count} signals");
                await Task.Delay(20);
            }

            return [.. _signals];
        }
    }
}
