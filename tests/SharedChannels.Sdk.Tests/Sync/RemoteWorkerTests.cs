using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Sync.Internal;

namespace SharedChannels.Tests.Sync;

/// <summary>The per-connection queue: one loop, coalescing, backoff as <see cref="IRetryDelays"/> says, reset on recovery.</summary>
public sealed class RemoteWorkerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private ConcurrentQueue<(int Attempt, TimeSpan Delay)> _failures = null!;
    private ConcurrentQueue<string> _calls = null!;
    private TimerRecordingTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _failures = new();
        _calls = new();
        _time = new TimerRecordingTimeProvider();
    }

    [Test]
    public async Task Start_CallersRacingWhileTheFirstStartIsUnderWay_StartOneLoop()
    {
        int starts = 0;
        using var firstStarting = new ManualResetEventSlim();
        using var secondStarting = new ManualResetEventSlim();
        await using RemoteWorker worker = NewWorker((_, _) => Task.FromResult(false), run =>
        {
            if (Interlocked.Increment(ref starts) == 1)
            {
                firstStarting.Set();

                // Held open: a caller not kept out starts its own loop meanwhile.
                secondStarting.Wait(TimeSpan.FromSeconds(1));
            }
            else
            {
                secondStarting.Set();
            }

            return Task.Run(run);
        });

        Task first = Task.Run(worker.Start);
        Assert.That(firstStarting.Wait(Patience), Is.True);
        Task[] racing = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(worker.Start))];
        await Task.WhenAll([first, .. racing]);

        Assert.That(starts, Is.EqualTo(1));
    }

    [Test]
    public async Task EnqueueAndStart_FromManyThreadsAtOnce_NeverSyncTwoChannelsConcurrently()
    {
        int running = 0;
        int overlaps = 0;
        await using RemoteWorker worker = NewWorker(async (channelId, _) =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            _calls.Enqueue(channelId);
            await Task.Yield();
            Thread.SpinWait(1000);
            Interlocked.Decrement(ref running);
            return false;
        });

        using var barrier = new Barrier(8);
        Task[] callers = [.. Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            barrier.SignalAndWait(Patience);
            for (int n = 0; n < 50; n++)
            {
                worker.Enqueue($"channel{(i * 50) + n}");
                worker.Start();
            }
        }))];
        await Task.WhenAll(callers);
        await WaitUntilAsync(() => _calls.Count == 400 && worker.IsIdle);

        Assert.That(overlaps, Is.Zero);
    }

    [Test]
    public async Task Failures_BackOffForTheDelaysOfThePolicy_WithGrowingAttempts()
    {
        await using RemoteWorker worker = NewWorker((_, _) => throw new InvalidOperationException("peer down"));
        worker.Start();
        worker.Enqueue("a");

        for (int attempt = 1; attempt <= 3; attempt++)
        {
            TimeSpan due = await _time.NextTimerAsync();
            Assert.That(due, Is.EqualTo(TestDelays.For(attempt)), "the worker waits the delay the policy gives");
            Assert.That(worker.IsBackingOff, Is.True);
            _time.Advance(due);
        }

        await _time.NextTimerAsync();
        Assert.That(_failures.Select(f => f.Attempt), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(_failures.Select(f => f.Delay), Is.EqualTo(new[] { 1, 2, 3, 4 }.Select(TestDelays.For)));
    }

    [Test]
    public async Task ResetBackoff_WhileWaiting_RetriesAtOnceWithoutTimePassing()
    {
        int calls = 0;
        await using RemoteWorker worker = NewWorker((_, _) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("peer down") : Task.FromResult(false));
        worker.Start();
        worker.Enqueue("a");
        DateTimeOffset start = _time.GetUtcNow();
        await _time.NextTimerAsync();

        worker.ResetBackoff();
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 2 && worker.IsIdle);

        Assert.That(worker.IsBackingOff, Is.False);
        Assert.That(_time.GetUtcNow(), Is.EqualTo(start));
    }

    [Test]
    public async Task Success_AfterFailures_StartsTheNextBackoffFromTheFirstDelay()
    {
        int calls = 0;
        await using RemoteWorker worker = NewWorker((_, _) => Interlocked.Increment(ref calls) is 1 or 2 or 4 ? throw new InvalidOperationException("peer down") : Task.FromResult(false));
        worker.Start();
        worker.Enqueue("a");
        _time.Advance(await _time.NextTimerAsync());
        _time.Advance(await _time.NextTimerAsync());
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 3 && worker.IsIdle);

        worker.Enqueue("a");
        Assert.That(await _time.NextTimerAsync(), Is.EqualTo(TestDelays.For(1)));
        Assert.That(_failures.Select(f => f.Attempt), Is.EqualTo(new[] { 1, 2, 1 }));
    }

    [Test]
    public async Task Enqueue_ChannelNotifiedManyTimesWhileBusy_IsSyncedOnceMore()
    {
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RemoteWorker worker = NewWorker(async (channelId, _) =>
        {
            _calls.Enqueue(channelId);
            return _calls.Count == 1 ? await release.Task.ConfigureAwait(false) : false;
        });
        worker.Start();
        worker.Enqueue("a");
        await WaitUntilAsync(() => !_calls.IsEmpty);

        for (int i = 0; i < 10; i++)
        {
            worker.Enqueue("b");
            worker.Enqueue("a");
        }

        release.SetResult(false);
        await WaitUntilAsync(() => _calls.Count >= 3 && worker.IsIdle);

        Assert.That(_calls, Is.EqualTo(new[] { "a", "b", "a" }));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), timeout.Token);
        }
    }

    private RemoteWorker NewWorker(Func<string, CancellationToken, Task<bool>> sync, Func<Func<Task>, Task>? starter = null)
    {
        var worker = new RemoteWorker("conn00000000000000000000aa", _time, new TestDelays(), sync, (_, attempt, delay, _) => _failures.Enqueue((attempt, delay)), () => { })
        {
            LoopStarter = starter ?? (run => Task.Run(run)),
        };
        return worker;
    }

    /// <summary>Delays that say which attempt they are for: 10 s per attempt.</summary>
    private sealed class TestDelays : IRetryDelays
    {
        public static TimeSpan For(int attempt) => TimeSpan.FromSeconds(10 * attempt);

        public TimeSpan GetDelay(int attempt) => For(attempt);
    }

    /// <summary>A fake clock that tells when a timer is created, so time is advanced only once the worker waits.</summary>
    private sealed class TimerRecordingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
    {
        private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = base.CreateTimer(callback, state, dueTime, period);
            _dueTimes.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task<TimeSpan> NextTimerAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await _dueTimes.Reader.ReadAsync(timeout.Token);
        }
    }
}
