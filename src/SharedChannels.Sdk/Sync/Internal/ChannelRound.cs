using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Coordination.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// One round of a channel toward a connection: sends the next pages of the channel's changes and moves the cursor past
/// the ones the peer accepted. To a peer running this SDK, up to <see cref="SharedChannelsOptions.MaxSyncRequestsInFlight"/>
/// pages are on their way at once (its receiver is indifferent to the order in which they arrive, but for what
/// <see cref="RoundItems"/> holds back); to any other peer, one. The cursor only ever moves past an unbroken run of
/// accepted pages, so a failure in the middle resends from the first page not accepted.
/// </summary>
/// <remarks>
/// With several nodes, each page is sent, and the cursor written, only while this node owns the connection (the lease
/// fence, <see cref="ConnectionOwnership.Owns"/>): a node that knows it lost the lease sends nothing more.
/// </remarks>
internal sealed class ChannelRound(
    ISharedChannelStore channels,
    IConnectionStore connections,
    ISyncStateStore syncState,
    IUserDirectory users,
    ISystemMessages systemMessages,
    IOptionsMonitor<SharedChannelsOptions> options,
    TimeProvider timeProvider,
    PageReadAhead readAhead,
    StatusOutbox statuses,
    NewShareHolds holds,
    ISyncBatchSender sender,
    ConnectionOwnership ownership,
    ILogger logger)
{
    /// <summary>Runs a round; returns whether more pages follow (the channel is queued again).</summary>
    public async Task<bool> RunAsync(string connectionId, string channelId, CancellationToken cancellationToken)
    {
        ConnectionRecord? connection = await connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        SharedChannel? channel = await channels.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false);
        if (connection is not { DeletedAt: null, InvitationAccepted: true } || channel is null || holds.IsHeld(connectionId, channelId))
        {
            // A held channel is woken again when the hold ends.
            return false;
        }

        if (channel.IsHome
            ? await channels.GetRemoteAsync(channelId, connectionId, cancellationToken).ConfigureAwait(false) is not { InvitationAccepted: true }
            : channel.HomeConnectionId != connectionId)
        {
            return false;
        }

        SharedChannelsOptions current = options.CurrentValue;
        bool sdkPeer = connection.PeerSupportsSignedFrames;
        int maxPosts = sdkPeer ? current.EffectiveMaxPostsPerSyncToSdkPeers : current.EffectiveMaxPostsPerSync;
        int window = sdkPeer ? current.EffectiveMaxSyncRequestsInFlight : 1;
        SyncCursor? cursor = await syncState.GetCursorAsync(channelId, connectionId, cancellationToken).ConfigureAwait(false);

        // Each page goes out as soon as it is built, while the next one is read.
        var pages = new List<ChannelChanges>(window);
        var round = new RoundItems();
        bool deferred = false;
        var sends = new List<Task<bool>>(window);
        var messagesSent = new List<bool>(window);
        List<UserStatus> taken = statuses.Take(connectionId);
        bool statusesSent = false;
        string? position = cursor?.Cursor;
        try
        {
            do
            {
                ChannelChanges page = await readAhead.ReadAsync(connectionId, channelId, position, maxPosts, cancellationToken).ConfigureAwait(false);
                if (pages.Count > 0 && round.DependsOn(page))
                {
                    // This page must not overtake the pages before it (see RoundItems): it waits for their answers,
                    // and opens the next round (kept as that round's read-ahead).
                    readAhead.Keep(connectionId, channelId, position!, maxPosts, page);
                    deferred = true;
                    break;
                }

                round.Add(page);
                SyncMsgDto? message = await SyncBatchBuilder.BuildAsync(channel, connectionId, page, pages.Count == 0 ? taken : [], users, cancellationToken).ConfigureAwait(false);
                pages.Add(page);
                messagesSent.Add(message is not null);
                if (message is not null)
                {
                    EnsureOwned(connectionId);
                }

                sends.Add(message is null ? Task.FromResult(true) : sender.SendAsync(connection, channel, message, cancellationToken));
                position = page.NextCursor;
            }
            while (pages[^1].HasMore && pages.Count < window);

            if (!deferred && pages[^1].HasMore)
            {
                // Catching up: the next round's first page is read while this round is on the wire.
                readAhead.Start(connectionId, channelId, pages[^1].NextCursor, maxPosts, cancellationToken);
            }

            // Every send is waited for; then the cursor moves past the leading pages the peer took.
            try
            {
                await Task.WhenAll(sends).ConfigureAwait(false);
            }
            catch
            {
                // Each task is looked at below, in page order.
            }

            int accepted = AcceptedLeadingPages(sends);
            statusesSent = accepted > 0;
            if (accepted > 0)
            {
                string next = pages[accepted - 1].NextCursor;
                if (cursor is null || cursor.Cursor != next || messagesSent.Take(accepted).Any(sent => sent))
                {
                    // The node that took the lease may have moved the cursor on already: it is not moved back.
                    EnsureOwned(connectionId);
                    await syncState.SetCursorAsync(new SyncCursor(channelId, connectionId, next, timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                }
            }

            if (accepted < sends.Count)
            {
                Task<bool> stopped = sends[accepted];
                if (stopped.IsCompletedSuccessfully)
                {
                    if (holds.InGracePeriod(connectionId, channel))
                    {
                        throw new SharedChannelsException(
                            SharedChannelsErrorCode.RemoteRejected,
                            $"The peer of connection {connectionId} does not have channel {channelId} yet, just after inviting this workspace to it; sending again.",
                            isTransient: true);
                    }

                    // The peer dropped the channel: stop sending it there. Its cursor is gone and is not written again.
                    await DropChannelAsync(connection, channel, cancellationToken).ConfigureAwait(false);
                    return false;
                }

                await stopped.ConfigureAwait(false);
            }

            return deferred || pages[^1].HasMore;
        }
        catch
        {
            if (!statusesSent)
            {
                statuses.Return(connectionId, taken);
            }

            // Reading or building a later page failed while earlier ones were on the wire: they are resent from the
            // stored cursor with the retry, and whatever they end in is observed here, not left unobserved.
            foreach (Task<bool> send in sends)
            {
                _ = send.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            throw;
        }
    }

    /// <summary>The lease fence: nothing is sent or written for a connection this node does not own (any more).</summary>
    private void EnsureOwned(string connectionId)
    {
        if (!ownership.Owns(connectionId))
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"This node no longer holds the lease of connection {connectionId}; the node that takes it sends from the stored cursor.",
                isTransient: true);
        }
    }

    /// <summary>Gets how many of the first sends completed with the peer still having the channel, in page order.</summary>
    internal static int AcceptedLeadingPages(IReadOnlyList<Task<bool>> sends)
    {
        int accepted = 0;
        while (accepted < sends.Count && sends[accepted].IsCompletedSuccessfully && sends[accepted].Result)
        {
            accepted++;
        }

        return accepted;
    }

    /// <summary>The peer no longer has the channel: stop sending it there.</summary>
    private async Task DropChannelAsync(ConnectionRecord connection, SharedChannel channel, CancellationToken cancellationToken)
    {
        if (channel.IsHome)
        {
            await channels.RemoveRemoteAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false);
            await syncState.RemoveCursorAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The cursor toward the home is kept, so the same home can share the channel again.
            await channels.RemoveChannelAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false);
            await systemMessages.PostAsync(channel.ChannelId, SharingMessages.NoLongerShared, cancellationToken).ConfigureAwait(false);
        }

        Log.ChannelUnsharedByPeer(logger, channel.ChannelId, connection.RemoteId);
    }
}
