using Microsoft.Extensions.Logging;
using SharedChannels.Coordination;
using SharedChannels.Coordination.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Sync;

namespace SharedChannels.Internal;

/// <summary>
/// Hears the other nodes' change signals and wakes this node's workers: a change made elsewhere reaches the owner of
/// each affected connection. When signals may have been missed, every connection this node owns is caught up.
/// </summary>
internal sealed class ChangeSignalListener(
    IChannelChangeSignals signals,
    ConnectionOwnership ownership,
    SharedChannelSync sync,
    ILogger<ChangeSignalListener> logger) : IChannelChangeListener
{
    /// <summary>Gets whether there is anything to hear: changes are carried between nodes.</summary>
    public bool HasWork => signals is not LocalChannelChangeSignals;

    /// <summary>Listens until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await signals.ListenAsync(this, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            Log.ChangeListenerFailed(logger, ex);
        }
    }

    public void OnChannelChanged(ChannelChangeSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (!string.Equals(signal.NodeId, ownership.NodeId, StringComparison.Ordinal))
        {
            // This node's own changes were routed here when they were reported.
            sync.RouteChannelLocally(signal.ChannelId, signal.ExceptConnectionId);
        }
    }

    public void OnSignalsMissed()
    {
        string[] owned = [.. ownership.Held];
        Log.ChangeSignalsMissed(logger, ownership.NodeId, owned.Length);
        foreach (string connectionId in owned)
        {
            _ = CatchUpAsync(connectionId);
        }
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
}
