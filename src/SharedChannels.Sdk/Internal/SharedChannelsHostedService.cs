using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Connections;
using SharedChannels.Coordination.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;

namespace SharedChannels.Internal;

/// <summary>
/// Runs the SDK's background work for the lifetime of the host: the connection monitor, and with several nodes the lease
/// keeper and the change signal listener.
/// </summary>
internal sealed class SharedChannelsHostedService(
    IOptionsMonitor<SharedChannelsOptions> options,
    IConnectionStore connectionStore,
    ConnectionMonitor monitor,
    SharedChannels.Sync.SharedChannelSync sync,
    SharedChannels.Connections.Internal.ConnectionObservers observers,
    SharedChannels.Connections.Internal.SiteUrlAnnouncer announcer,
    ConnectionOwnership ownership,
    ConnectionLeaseKeeper keeper,
    ChangeSignalListener listener,
    ILogger<SharedChannelsHostedService> logger) : IHostedService, IDisposable
{
    private CancellationTokenSource? _stopping;
    private Task? _monitorLoop;
    private Task? _catchUp;
    private Task? _keeperLoop;
    private Task? _listenerLoop;

    /// <summary>Gets the start-up resume work (site URL announcements, catch-up); completed when there is none. For tests.</summary>
    internal Task Resumed => _catchUp ?? Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Reading the value runs the validators: an invalid configuration fails start-up here.
        SharedChannelsOptions current = options.CurrentValue;
        if (connectionStore is InMemoryConnectionStore)
        {
            Log.InMemoryStorageInUse(logger);
        }

        if (current.EnableRemoteClusterService)
        {
            _stopping = new CancellationTokenSource();
            _monitorLoop = Task.Run(() => monitor.RunAsync(_stopping.Token), CancellationToken.None);
            if (listener.HasWork)
            {
                _listenerLoop = Task.Run(() => listener.RunAsync(_stopping.Token), CancellationToken.None);
            }

            if (keeper.HasWork)
            {
                _keeperLoop = Task.Run(() => keeper.RunAsync(_stopping.Token), CancellationToken.None);
            }

            // Resume as after an interruption: tell SDK peers our site URL (it may have changed since the last run),
            // resend pending channel invitations and send, from the stored cursors, whatever was not acknowledged
            // before the restart. With several nodes, the keeper does this for each connection as it takes its lease.
            if (ownership.IsSingleNode)
            {
                _catchUp = Task.Run(() => ResumeAsync(current.EnableSharedChannels, _stopping.Token), CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }

    private async Task ResumeAsync(bool sharedChannels, CancellationToken cancellationToken)
    {
        try
        {
            await ResumeConnectionsAsync(sharedChannels, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped before the resume pass was done.
        }
        catch (Exception ex)
        {
            Log.ResumeFailed(logger, ex);
        }
    }

    private async Task ResumeConnectionsAsync(bool sharedChannels, CancellationToken cancellationToken)
    {
        foreach (ConnectionRecord connection in await connectionStore.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (connection.DeletedAt is null && connection.InvitationAccepted)
            {
                // The announcer is one of the observers; without shared channels it is the only one with work.
                await (sharedChannels
                    ? observers.ConnectionRecoveredAsync(connection, wasOffline: false, cancellationToken)
                    : announcer.AnnounceAsync(connection, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || _monitorLoop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _monitorLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (Task? loop in (Task?[])[_catchUp, _keeperLoop, _listenerLoop])
        {
            if (loop is not null)
            {
                await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // Only stop the sync workers: the container owns SharedChannelSync (and the monitor) and disposes them.
        await StopSyncWorkersAsync(cancellationToken).ConfigureAwait(false);

        // Then hand the connections over: another node takes them at once instead of when the leases expire.
        if (!ownership.IsSingleNode)
        {
            try
            {
                await keeper.ReleaseAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.StopWorkersFailed(logger, ex);
            }
        }
    }

    private async Task StopSyncWorkersAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (ConnectionRecord connection in await connectionStore.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                await sync.StopWorkerAsync(connection.RemoteId).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StopWorkersFailed(logger, ex);
        }
    }

    public void Dispose() => _stopping?.Dispose();
}
