namespace SharedChannels.Sync.Internal;

/// <summary>
/// The outbound queue of one connection, drained by its own loop: a slow or dead peer only ever delays itself.
/// Pending channels coalesce (a channel changed ten times is synced once, from its cursor). Failures back off
/// as <see cref="IRetryDelays"/> says (by default exponentially with jitter, capped); <see cref="ResetBackoff"/> retries at
/// once when the peer is back. One loop at most drains the queue, however many callers start it at once.
/// </summary>
internal sealed class RemoteWorker : IAsyncDisposable, IDisposable
{
    private readonly object _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<string, CancellationToken, Task<bool>> _syncChannel;
    private readonly Action<string, int, TimeSpan, Exception> _onFailure;
    private readonly Action _onIdle;
    private readonly TimeProvider _timeProvider;
    private readonly IRetryDelays _delays;
    private CancellationTokenSource? _backoff;
    private int _attempt;
    private bool _busy;
    private Task? _loop;

    public RemoteWorker(string connectionId, TimeProvider timeProvider, IRetryDelays delays, Func<string, CancellationToken, Task<bool>> syncChannel, Action<string, int, TimeSpan, Exception> onFailure, Action onIdle)
    {
        ConnectionId = connectionId;
        _timeProvider = timeProvider;
        _delays = delays;
        _syncChannel = syncChannel;
        _onFailure = onFailure;
        _onIdle = onIdle;
    }

    public string ConnectionId { get; }

    /// <summary>Gets whether the worker has nothing to do now (it may be waiting to retry).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return !_busy && (_pending.Count == 0 || _backoff is not null);
            }
        }
    }

    /// <summary>
    /// Gets how the loop is started: on the thread pool. Replaced only by tests, to hold a start open while other
    /// callers race to start the same worker.
    /// </summary>
    internal Func<Func<Task>, Task> LoopStarter { get; init; } = static run => Task.Run(run);

    /// <summary>Starts the loop unless it runs already; safe to call from any number of threads at once.</summary>
    public void Start()
    {
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_loop is null)
            {
                CancellationToken stopping = _stopping.Token;
                Volatile.Write(ref _loop, LoopStarter(() => RunAsync(stopping)));
            }
        }
    }

    public void Enqueue(string channelId)
    {
        lock (_gate)
        {
            if (!_pending.Add(channelId))
            {
                // Already due: the loop takes it from the queue; another wake-up would find nothing to do.
                return;
            }

            _order.Enqueue(channelId);
        }

        _signal.Release();
    }

    /// <summary>Gets a value indicating whether the worker is waiting out a retry delay.</summary>
    public bool IsBackingOff
    {
        get
        {
            lock (_gate)
            {
                return _backoff is not null;
            }
        }
    }

    /// <summary>Stops waiting out a retry delay: the peer answered again.</summary>
    public void ResetBackoff()
    {
        lock (_gate)
        {
            _attempt = 0;

            // Cleared here, not when the delay unwinds, so the worker never looks idle with work due.
            _backoff?.Cancel();
            _backoff = null;
        }
    }

    /// <summary>Stops the loop without waiting for it (for containers disposed synchronously).</summary>
    public void Dispose() => _stopping.Cancel();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stopping.Dispose();
        _signal.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await _signal.WaitAsync(stopping).ConfigureAwait(false);
            while (TryTake(out string? channelId))
            {
                try
                {
                    bool more = await _syncChannel(channelId, stopping).ConfigureAwait(false);
                    lock (_gate)
                    {
                        _attempt = 0;
                        _busy = false;
                    }

                    if (more)
                    {
                        Enqueue(channelId);
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    await BackOffAsync(channelId, ex, stopping).ConfigureAwait(false);
                }
            }

            _onIdle();
        }
    }

    private bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? channelId)
    {
        lock (_gate)
        {
            if (_order.TryDequeue(out channelId))
            {
                _pending.Remove(channelId);
                _busy = true;
                return true;
            }

            _busy = false;
            return false;
        }
    }

    private async Task BackOffAsync(string channelId, Exception failure, CancellationToken stopping)
    {
        TimeSpan delay;
        int attempt;
        CancellationTokenSource backoff;
        lock (_gate)
        {
            attempt = ++_attempt;
            delay = _delays.GetDelay(attempt);
            _backoff = backoff = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            if (_pending.Add(channelId))
            {
                _order.Enqueue(channelId);
            }

            _busy = false;
        }

        _onFailure(channelId, attempt, delay, failure);
        _onIdle();
        try
        {
            await Task.Delay(delay, _timeProvider, backoff.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // Reset: the peer is back; retry now.
        }
        finally
        {
            lock (_gate)
            {
                if (_backoff == backoff)
                {
                    _backoff = null;
                }
            }

            backoff.Dispose();
        }
    }
}
