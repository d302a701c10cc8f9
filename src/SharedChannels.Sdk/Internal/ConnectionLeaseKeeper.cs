using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Connections.Internal;
using SharedChannels.Coordination;
using SharedChannels.Coordination.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;
using SharedChannels.Sync;

namespace SharedChannels.Internal;

/// <summary>
/// Keeps this node's connection leases, with several nodes: every <see cref="SharedChannelsOptions.ConnectionLeaseRenewInterval"/>
/// it renews the leases it holds, takes the free or expired ones of confirmed connections (and resumes them: the
/// worker sends from the stored cursors), stops the worker of a lease it lost, and releases the leases of deleted
/// connections. At shutdown, after the workers stopped, it releases every lease so another node takes over at once.
/// Also sweeps the shared inbound frame log now and then.
/// </summary>
internal sealed class ConnectionLeaseKeeper(
    ConnectionOwnership ownership,
    IConnectionLeaseStore leases,
    IInboundFrameLog frameLog,
    IConnectionStore connections,
    SharedChannelSync sync,
    ConnectionObservers observers,
    SiteUrlAnnouncer announcer,
    IOptionsMonitor<SharedChannelsOptions> options,
    TimeProvider timeProvider,
    ILogger<ConnectionLeaseKeeper> logger)
{
    /// <summary>How often expired entries of the shared inbound frame log are removed.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly object _resumeGate = new();
    private readonly bool _sharedFrameLog = frameLog is not LocalInboundFrameLog;
    private Task _resuming = Task.CompletedTask;
    private long _lastSweep;

    /// <summary>Gets whether there is anything to keep: leases with several nodes, or a shared frame log to sweep.</summary>
    public bool HasWork => !ownership.IsSingleNode || _sharedFrameLog;

    /// <summary>Gets the resumes and catch-ups started for leases taken or renewed after a lapse, for tests.</summary>
    internal Task Resuming
    {
        get
        {
            lock (_resumeGate)
            {
                return _resuming;
            }
        }
    }

    /// <summary>Runs rounds until <paramref name="cancellationToken"/> is cancelled: one at once, then one every renewal interval.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        SharedChannelsOptions current = options.CurrentValue;
        TimeSpan interval = current.ConnectionLeaseRenewInterval;
        if (!ownership.IsSingleNode)
        {
            Log.NodeCoordinating(logger, ownership.NodeId, current.ConnectionLeaseDuration, interval);
        }

        _lastSweep = timeProvider.GetTimestamp();
        using var timer = new PeriodicTimer(interval, timeProvider);
        do
        {
            try
            {
                await RunRoundAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.LeaseRoundFailed(logger, ownership.NodeId, ex);
            }
        }
        while (await WaitForNextTickAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One round: renew, take, release, sweep.</summary>
    internal async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        if (!ownership.IsSingleNode)
        {
            TimeSpan duration = options.CurrentValue.ConnectionLeaseDuration;
            await RenewHeldAsync(duration, cancellationToken).ConfigureAwait(false);
            await AcquireFreeAsync(duration, cancellationToken).ConfigureAwait(false);
        }

        if (_sharedFrameLog && timeProvider.GetElapsedTime(_lastSweep) >= SweepInterval)
        {
            _lastSweep = timeProvider.GetTimestamp();
            await SweepAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases every lease held (after the workers stopped, at shutdown), so other nodes take over at once.</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        foreach (string connectionId in ownership.Held.ToArray())
        {
            if (!ownership.Drop(connectionId, out ConnectionLease? lease))
            {
                continue;
            }

            await sync.StopWorkerAsync(connectionId).ConfigureAwait(false);
            try
            {
                await leases.ReleaseAsync(lease, cancellationToken).ConfigureAwait(false);
                Log.LeaseReleased(logger, ownership.NodeId, connectionId, lease.Epoch);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // It expires instead: the next node takes over a lease duration later.
                Log.LeaseRenewalFailed(logger, ownership.NodeId, connectionId, ex is SharedChannelsException ? ex.Message : ex.GetType().Name);
            }
        }
    }

    private static async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RenewHeldAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        foreach (string connectionId in ownership.Held.ToArray())
        {
            if (!ownership.TryGet(connectionId, out ConnectionLease? lease))
            {
                continue;
            }

            // Past its deadline (a slow round, a paused process), the lease fenced every send and the router skipped
            // the connection's changes; if nobody took it meanwhile the renewal still succeeds, and what was skipped
            // is caught up.
            bool lapsed = !ownership.Owns(connectionId);
            long askedAt = timeProvider.GetTimestamp();
            bool renewed;
            try
            {
                renewed = await leases.RenewAsync(lease, duration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The database may be back before the lease runs out; until then the worker keeps going (the fence stops
                // its sends at the deadline), after it the lease is as good as lost.
                Log.LeaseRenewalFailed(logger, ownership.NodeId, connectionId, ex is SharedChannelsException ? ex.Message : ex.GetType().Name);
                if (!ownership.Owns(connectionId))
                {
                    await LoseAsync(connectionId, "it could not be renewed before it ran out").ConfigureAwait(false);
                }

                continue;
            }

            if (renewed)
            {
                ownership.Hold(lease, askedAt, duration);
                if (lapsed)
                {
                    Track(CatchUpAsync(connectionId));
                }
            }
            else
            {
                await LoseAsync(connectionId, "another node holds it now, or it was released").ConfigureAwait(false);
            }
        }
    }

    private async Task AcquireFreeAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConnectionRecord> all = await connections.ListAsync(cancellationToken).ConfigureAwait(false);
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (ConnectionRecord connection in all)
        {
            if (connection.DeletedAt is not null || !connection.InvitationAccepted)
            {
                continue;
            }

            live.Add(connection.RemoteId);
            if (ownership.TryGet(connection.RemoteId, out _))
            {
                continue;
            }

            long askedAt = timeProvider.GetTimestamp();
            ConnectionLease? lease = await leases.TryAcquireAsync(connection.RemoteId, ownership.NodeId, duration, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                continue;
            }

            ownership.Hold(lease, askedAt, duration);
            Log.LeaseAcquired(logger, ownership.NodeId, connection.RemoteId, lease.Epoch);
            Resume(connection);
        }

        // Deleted (or gone) connections: nothing left to do for them here.
        foreach (string connectionId in ownership.Held.Where(id => !live.Contains(id)).ToArray())
        {
            if (ownership.Drop(connectionId, out ConnectionLease? lease))
            {
                await sync.StopWorkerAsync(connectionId).ConfigureAwait(false);
                await leases.ReleaseAsync(lease, cancellationToken).ConfigureAwait(false);
                Log.LeaseReleased(logger, ownership.NodeId, connectionId, lease.Epoch);
            }
        }
    }

    private async Task LoseAsync(string connectionId, string reason)
    {
        if (ownership.Drop(connectionId, out ConnectionLease? lease))
        {
            Log.LeaseLost(logger, ownership.NodeId, connectionId, lease.Epoch, reason);

            // Cancels the round in progress: an in-flight send is abandoned, and nothing more goes out from here.
            await sync.StopWorkerAsync(connectionId).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Resumes a connection just taken, as at start-up on a single node: the peer hears our site URL, pending channel
    /// invitations go again, and the worker sends from the stored cursors. In the background, so a slow peer never delays
    /// the renewals.
    /// </summary>
    private void Resume(ConnectionRecord connection)
    {
        bool sharedChannels = options.CurrentValue.EnableSharedChannels;
        Task resume = Task.Run(async () =>
        {
            try
            {
                await (sharedChannels
                    ? observers.ConnectionRecoveredAsync(connection, wasOffline: false, CancellationToken.None)
                    : announcer.AnnounceAsync(connection, CancellationToken.None)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ResumeFailed(logger, ex);
            }
        });

        Track(resume);
    }

    private async Task CatchUpAsync(string connectionId)
    {
        try
        {
            await sync.CatchUpAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.RoutingFailed(logger, "the catch-up of connection " + connectionId, ex);
        }
    }

    private void Track(Task work)
    {
        lock (_resumeGate)
        {
            _resuming = _resuming.IsCompleted ? work : Task.WhenAll(_resuming, work);
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            int removed = await frameLog.RemoveExpiredAsync(cancellationToken).ConfigureAwait(false);
            Log.FrameLogSwept(logger, removed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.FrameLogSweepFailed(logger, ex is SharedChannelsException ? ex.Message : ex.GetType().Name);
        }
    }
}
