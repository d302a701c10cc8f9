using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SharedChannels.Coordination.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Transport.Internal;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Routes a changed channel (or a user's status) to the workers of the connections that share it, one
/// <see cref="RemoteWorker"/> per connection, each running <see cref="ChannelRound"/>s; tracks whether any work is
/// running or due (<see cref="WhenIdleAsync"/>) and forgets a connection's state when its worker stops.
/// </summary>
/// <remarks>
/// With several nodes, a worker only runs on the node that owns its connection (<see cref="ConnectionOwnership"/>);
/// changes for connections owned elsewhere reach their owner through the change signals, which the caller publishes.
/// </remarks>
internal sealed class SyncRouter : IAsyncDisposable, IDisposable
{
    /// <summary>How often a peer's requests may cut short a worker's retry delay toward it.</summary>
    public static readonly TimeSpan PeerWakeInterval = TimeSpan.FromSeconds(5);

    private readonly ISharedChannelStore _channels;
    private readonly IConnectionStore _connections;
    private readonly TimeProvider _timeProvider;
    private readonly IRetryDelays _delays;
    private readonly ChannelRound _round;
    private readonly StatusOutbox _statuses;
    private readonly PageReadAhead _readAhead;
    private readonly NewShareHolds _holds;
    private readonly AttachmentSender _attachments;
    private readonly ConnectionOwnership _ownership;
    private readonly ChangeSignalPublisher _publisher;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RemoteWorker> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _peerWakes = new(StringComparer.Ordinal);
    private readonly object _idleGate = new();
    private TaskCompletionSource _idleSignal = NewSignal();
    private int _routing;
    private bool _disposed;

    public SyncRouter(
        ISharedChannelStore channels,
        IConnectionStore connections,
        TimeProvider timeProvider,
        IRetryDelays delays,
        ChannelRound round,
        StatusOutbox statuses,
        PageReadAhead readAhead,
        NewShareHolds holds,
        AttachmentSender attachments,
        ConnectionOwnership ownership,
        ChangeSignalPublisher publisher,
        ILogger logger)
    {
        _ownership = ownership;
        _publisher = publisher;
        _channels = channels;
        _connections = connections;
        _timeProvider = timeProvider;
        _delays = delays;
        _round = round;
        _statuses = statuses;
        _readAhead = readAhead;
        _holds = holds;
        _attachments = attachments;
        _logger = logger;
    }

    /// <summary>Gets the statuses waiting per connection (for tests).</summary>
    internal StatusOutbox Statuses => _statuses;

    /// <summary>Gets the attachment sender, which remembers the files sent per connection (for tests).</summary>
    internal AttachmentSender Attachments => _attachments;

    /// <summary>Gets whether no routing is running and every worker is waiting for changes or for a retry delay.</summary>
    /// <remarks>A channel held until a peer has our answer is waiting on the peer, like a retry delay.</remarks>
    public bool IsIdle => Volatile.Read(ref _routing) == 0 && _workers.Values.All(w => w.IsIdle);

    /// <summary>Wakes the workers of a channel's connections, except <paramref name="exceptConnectionId"/>, in the background.</summary>
    public void RouteChannel(string channelId, string? exceptConnectionId)
    {
        Interlocked.Increment(ref _routing);
        _ = RouteAsync(channelId, exceptConnectionId);
    }

    /// <summary>Queues a status for every connection sharing a channel with this workspace, in the background.</summary>
    public void RouteStatus(UserStatus status)
    {
        Interlocked.Increment(ref _routing);
        _ = RouteStatusAsync(status);
    }

    /// <summary>Holds a channel a peer just invited this workspace to until the peer has our answer (see <see cref="NewShareHolds"/>).</summary>
    public void HoldUntilAnswered(string connectionId, string channelId, ReplySignal answer) =>
        _holds.Hold(connectionId, channelId, answer, () =>
        {
            try
            {
                // Whatever changed meanwhile (the administrator joining the channel) goes out now, from whichever node
                // owns the connection.
                if (_ownership.Owns(connectionId))
                {
                    GetWorker(connectionId).Enqueue(channelId);
                }
                else
                {
                    _publisher.Publish(channelId, exceptConnectionId: null);
                }
            }
            catch (ObjectDisposedException)
            {
                // Shutting down: the channel is caught up after the restart.
            }
        });

    /// <summary>Completes when <see cref="IsIdle"/>.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_idleGate)
            {
                if (IsIdle)
                {
                    return;
                }

                signal = _idleSignal.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A peer sent us an authenticated request, so it is up: a worker waiting out a retry delay toward it retries now.
    /// At most once per <see cref="PeerWakeInterval"/> per connection, so a peer that keeps sending while refusing ours
    /// is not hammered.
    /// </summary>
    public void OnPeerActive(string connectionId)
    {
        if (!_workers.TryGetValue(connectionId, out RemoteWorker? worker) || !worker.IsBackingOff)
        {
            return;
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (_peerWakes.TryGetValue(connectionId, out DateTimeOffset last) && now - last < PeerWakeInterval)
        {
            return;
        }

        _peerWakes[connectionId] = now;
        worker.ResetBackoff();
    }

    /// <summary>Wakes the worker of a connection for every channel shared with it, and ends its retry delay.</summary>
    public async Task CatchUpAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (!_ownership.Owns(connectionId))
        {
            // Its owner catches it up: when it took the lease, and whenever it may have missed changes.
            return;
        }

        RemoteWorker? worker = null;
        foreach (string channelId in await ChannelsSharedWithAsync(connectionId, cancellationToken).ConfigureAwait(false))
        {
            worker ??= GetWorker(connectionId);
            worker.Enqueue(channelId);
        }

        worker?.ResetBackoff();
    }

    /// <summary>Stops a connection's worker and forgets everything kept in memory for it.</summary>
    public async Task StopWorkerAsync(string connectionId)
    {
        if (_workers.TryRemove(connectionId, out RemoteWorker? worker))
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        _holds.Forget(connectionId);
        _readAhead.Forget(connectionId);
        _statuses.Forget(connectionId);
        _attachments.Forget(connectionId);
        _peerWakes.TryRemove(connectionId, out _);
        SignalIdle();
    }

    /// <summary>The channels shared between this workspace and a connection, in either direction.</summary>
    public async Task<IReadOnlyList<string>> ChannelsSharedWithAsync(string connectionId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        ids.AddRange((await _channels.ListRemotesByConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false)).Select(r => r.ChannelId));
        ids.AddRange((await _channels.ListChannelsAsync(cancellationToken).ConfigureAwait(false)).Where(c => c.HomeConnectionId == connectionId).Select(c => c.ChannelId));
        return ids;
    }

    /// <summary>Stops every worker.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (RemoteWorker worker in _workers.Values)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        _workers.Clear();
    }

    /// <summary>Stops every worker without waiting for in-flight sends.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (RemoteWorker worker in _workers.Values)
        {
            worker.Dispose();
        }

        _workers.Clear();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RouteAsync(string channelId, string? exceptConnectionId)
    {
        try
        {
            SharedChannel? channel = await _channels.GetChannelAsync(channelId).ConfigureAwait(false);
            if (channel is null)
            {
                return;
            }

            if (channel.HomeConnectionId is { } home)
            {
                if (home != exceptConnectionId && _ownership.Owns(home))
                {
                    GetWorker(home).Enqueue(channelId);
                }

                return;
            }

            foreach (SharedChannelRemote remote in await _channels.ListRemotesAsync(channelId).ConfigureAwait(false))
            {
                if (remote.InvitationAccepted && remote.ConnectionId != exceptConnectionId && _ownership.Owns(remote.ConnectionId))
                {
                    GetWorker(remote.ConnectionId).Enqueue(channelId);
                }
            }
        }
        catch (Exception ex)
        {
            Log.RoutingFailed(_logger, "channel " + channelId, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _routing);
            SignalIdle();
        }
    }

    private async Task RouteStatusAsync(UserStatus status)
    {
        try
        {
            foreach (ConnectionRecord connection in await _connections.ListAsync().ConfigureAwait(false))
            {
                // Statuses are kept in memory, per node: one reported on a node that does not own the connection is not
                // sent (docs/operations.md).
                if (connection.DeletedAt is null && connection.InvitationAccepted && _ownership.Owns(connection.RemoteId) &&
                    await ChannelsSharedWithAsync(connection.RemoteId, CancellationToken.None).ConfigureAwait(false) is [string first, ..])
                {
                    _statuses.Add(connection.RemoteId, status);
                    GetWorker(connection.RemoteId).Enqueue(first);
                }
            }
        }
        catch (Exception ex)
        {
            Log.RoutingFailed(_logger, "status of user " + status.UserId, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _routing);
            SignalIdle();
        }
    }

    private RemoteWorker GetWorker(string connectionId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RemoteWorker worker = _workers.GetOrAdd(connectionId, NewWorker);
        worker.Start();
        return worker;
    }

    private RemoteWorker NewWorker(string id)
    {
        RemoteWorker? created = null;
        created = new RemoteWorker(
            id,
            _timeProvider,
            _delays,
            (channelId, ct) => _ownership.Owns(id) ? _round.RunAsync(id, channelId, ct) : StopUnownedAsync(created!),
            (channelId, attempt, delay, ex) => Log.BatchFailed(_logger, channelId, id, attempt, delay, ex is SharedChannelsException ? ex.Message : ex.GetType().Name),
            SignalIdle);
        return created;
    }

    /// <summary>
    /// A worker started just as its lease was lost (the keeper stops the workers of lost leases, but a change routed at
    /// that moment may start one again): it sends nothing and stops, in the background, as its loop cannot wait for itself.
    /// </summary>
    private Task<bool> StopUnownedAsync(RemoteWorker worker)
    {
        // Only this worker: should the lease be taken again meanwhile, the worker started for it is left alone.
        if (_workers.TryRemove(new KeyValuePair<string, RemoteWorker>(worker.ConnectionId, worker)))
        {
            _ = Task.Run(async () =>
            {
                await worker.DisposeAsync().ConfigureAwait(false);
                SignalIdle();
            });
        }

        return Task.FromResult(false);
    }

    private void SignalIdle()
    {
        TaskCompletionSource signal;
        lock (_idleGate)
        {
            signal = _idleSignal;
            _idleSignal = NewSignal();
        }

        signal.TrySetResult();
    }
}
