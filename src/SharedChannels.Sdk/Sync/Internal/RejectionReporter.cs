using Microsoft.Extensions.Logging;
using SharedChannels.Diagnostics;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Reports the items a peer refused in its answer to a sync message: each once, logged, counted and raised through
/// <c>SharedChannelSync.ItemRejected</c> (<paramref name="raise"/>). A handler that throws is logged and does not stop the sync.
/// </summary>
/// <param name="raise">Raises the event.</param>
/// <param name="logger">The logger.</param>
internal sealed class RejectionReporter(Action<SyncItemRejectedEventArgs> raise, ILogger logger)
{
    /// <summary>Reports what <paramref name="response"/> lists as refused.</summary>
    public void Report(string connectionId, string channelId, SyncResponseDto response)
    {
        var reported = new HashSet<(string, string)>();
        foreach (ItemErrorDto error in response.ItemErrors ?? [])
        {
            if (error is { Id: { } id })
            {
                Report(error.Kind ?? "item", id, WireFormat.SanitizePeerError(error.Reason));
            }
        }

        // Mattermost peers only list ids.
        foreach ((string kind, List<string> ids) in new[] { ("user", response.UserErrors), ("post", response.PostErrors), ("reaction", response.ReactionErrors), ("acknowledgement", response.AcknowledgementErrors), ("status", response.StatusErrors) })
        {
            foreach (string? id in ids)
            {
                if (id is not null)
                {
                    Report(kind, id, "refused by the peer");
                }
            }
        }

        void Report(string kind, string itemId, string reason)
        {
            if (!reported.Add((kind, itemId)))
            {
                return;
            }

            Log.ItemRejectedByPeer(logger, connectionId, kind, itemId, channelId, reason);
            SharedChannelsMetrics.ItemsRejected.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("direction", "outbound"));
            try
            {
                raise(new SyncItemRejectedEventArgs(connectionId, channelId, kind, itemId, reason));
            }
            catch (Exception ex)
            {
                Log.WorkerFailed(logger, connectionId, ex);
            }
        }
    }

    /// <summary>Reports one item refused for the reason given.</summary>
    public void Report(string connectionId, string channelId, string kind, string? itemId, string reason) =>
        Report(connectionId, channelId, new SyncResponseDto { ItemErrors = [new ItemErrorDto { Kind = kind, Id = itemId, Reason = reason }] });
}
