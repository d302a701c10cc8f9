using Microsoft.Extensions.Logging;
using SharedChannels.Diagnostics;

namespace SharedChannels.Coordination.Internal;

/// <summary>
/// Tells the other nodes that channels changed, through <see cref="IChannelChangeSignals"/>. Returns at once; one loop
/// at most publishes, and a channel reported again while its signal waits goes out once (as the workers coalesce).
/// With one node it does nothing.
/// </summary>
internal sealed class ChangeSignalPublisher
{
    private readonly IChannelChangeSignals _signals;
    private readonly ConnectionOwnership _ownership;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly HashSet<(string ChannelId, string? Except)> _pending = [];
    private readonly Queue<(string ChannelId, string? Except)> _order = new();
    private bool _draining;

    public ChangeSignalPublisher(IChannelChangeSignals signals, ConnectionOwnership ownership, ILogger<ChangeSignalPublisher> logger)
    {
        _signals = signals;
        _ownership = ownership;
        _logger = logger;
        IsLocal = signals is LocalChannelChangeSignals;
    }

    /// <summary>Gets whether changes stay in this process (nothing to publish).</summary>
    public bool IsLocal { get; }

    /// <summary>Publishes that a channel changed, in the background.</summary>
    public void Publish(string channelId, string? exceptConnectionId)
    {
        if (IsLocal)
        {
            return;
        }

        lock (_gate)
        {
            if (_pending.Add((channelId, exceptConnectionId)))
            {
                _order.Enqueue((channelId, exceptConnectionId));
            }

            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        _ = Task.Run(DrainAsync);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            (string ChannelId, string? Except) next;
            lock (_gate)
            {
                if (!_order.TryDequeue(out next))
                {
                    _draining = false;
                    return;
                }

                _pending.Remove(next);
            }

            try
            {
                await _signals.PublishAsync(new ChannelChangeSignal(_ownership.NodeId, next.ChannelId, next.Except)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The owner still sends the change: at its next catch-up (its listener reconnecting, a lease changing
                // hands, the connection recovering) or with the channel's next change.
                Log.ChangeSignalNotPublished(_logger, next.ChannelId, ex is SharedChannelsException ? ex.Message : ex.GetType().Name);
            }
        }
    }
}
