using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Sharing;
using SharedChannels.Sharing.Internal;
using SharedChannels.Storage;
using SharedChannels.Sync.Internal;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync;

/// <summary>
/// Keeps shared channels in sync. The host calls <see cref="NotifyChannelChanged"/> after any change in a shared
/// channel; the worker of each affected connection wakes at once (no debounce), reads the changes after that
/// connection's cursor and sends them. A cursor moves only when the peer answers OK, so nothing is lost on a
/// failure or a restart.
/// </summary>
public sealed class SharedChannelSync : IAsyncDisposable, IDisposable, IPeerActivityListener
{
    /// <summary>How often a peer's requests may cut short a worker's retry delay toward it.</summary>
    internal static readonly TimeSpan PeerWakeInterval = TimeSpan.FromSeconds(5);

    private const int PayloadTooLarge = 413;

    /// <summary>
    /// How long after a peer invited this workspace to a channel its "channel is no longer shared" answers are taken
    /// as not yet shared (retried) rather than unshared: Mattermost records the share only once our answer to its
    /// invitation arrives, so a sync that crosses that answer is refused for a moment.
    /// </summary>
    internal static readonly TimeSpan NewShareGracePeriod = TimeSpan.FromMinutes(2);

    /// <summary>The most users sent in one sync message: Mattermost's <c>MaxUsersPerSync</c>.</summary>
    internal const int MaxUsersPerMessage = 25;

    /// <summary>How long a channel just received waits for the transport to report its answer written (<see cref="RemoteResponse.MarkSent"/>).</summary>
    internal static readonly TimeSpan AnswerWaitLimit = TimeSpan.FromSeconds(5);

    private readonly ISharedChannelStore _channels;
    private readonly IConnectionStore _connections;
    private readonly ISyncStateStore _syncState;
    private readonly HostPorts _host;
    private readonly RemoteSender _sender;
    private readonly IOptionsMonitor<SharedChannelsOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RemoteWorker> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<UserStatus>> _statuses = new(StringComparer.Ordinal);
    private readonly AttachmentSender _attachments;
    private readonly ConcurrentDictionary<(string ConnectionId, string ChannelId), PageReadAhead> _readAhead = new();
    private readonly ConcurrentDictionary<(string ConnectionId, string ChannelId), byte> _held = new();
    private readonly ConcurrentDictionary<(string ConnectionId, string ChannelId), DateTimeOffset> _sharesReceived = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _peerWakes = new(StringComparer.Ordinal);
    private readonly object _idleGate = new();
    private TaskCompletionSource _idleSignal = NewSignal();
    private int _routing;
    private bool _disposed;

    internal SharedChannelSync(
        ISharedChannelStore channels,
        IConnectionStore connections,
        ISyncStateStore syncState,
        HostPorts host,
        RemoteSender sender,
        IOptionsMonitor<SharedChannelsOptions> options,
        TimeProvider timeProvider,
        ILogger<SharedChannelSync> logger)
    {
        _channels = channels;
        _connections = connections;
        _syncState = syncState;
        _host = host;
        _sender = sender;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _attachments = new AttachmentSender(host, sender, options, logger);
    }

    /// <summary>Raised when a peer refuses an item this workspace sent (the cursor moves on; the item is reported, not retried).</summary>
    public event EventHandler<SyncItemRejectedEventArgs>? ItemRejected;

    /// <summary>
    /// Tells the SDK that a channel changed (new post, edit, delete, reaction, acknowledgement, membership).
    /// Returns at once; if the channel is shared, the affected connections' workers wake and send what changed.
    /// Calling it for a channel that is not shared is harmless.
    /// </summary>
    /// <param name="channelId">The channel.</param>
    public void NotifyChannelChanged(string channelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        NotifyChannelChanged(channelId, exceptConnectionId: null);
    }

    /// <summary>
    /// Tells the SDK that a local user's status changed. It is sent to every connection sharing a channel with
    /// this workspace, unless <see cref="SharedChannelsOptions.DisableSharedChannelsStatusSync"/> is set.
    /// Statuses are not stored: one lost to a restart is replaced by the next.
    /// </summary>
    /// <param name="status">The status.</param>
    public void NotifyUserStatusChanged(UserStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_options.CurrentValue.DisableSharedChannelsStatusSync || !_options.CurrentValue.EnableSharedChannels || !_options.CurrentValue.EnableRemoteClusterService)
        {
            return;
        }

        Interlocked.Increment(ref _routing);
        _ = RouteStatusAsync(status);
    }

    /// <summary>
    /// Completes when no sync work is running or due: every worker is waiting for changes or for a retry delay.
    /// Useful in tests and before shutting down.
    /// </summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>A task that completes when idle.</returns>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
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

    /// <summary>Stops every worker.</summary>
    /// <returns>A task that completes when the workers have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (RemoteWorker worker in _workers.Values)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        _workers.Clear();
    }

    /// <summary>Stops every worker without waiting for in-flight sends; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (RemoteWorker worker in _workers.Values)
        {
            worker.Dispose();
        }

        _workers.Clear();
    }

    /// <summary>Wakes the workers of a channel's connections, except <paramref name="exceptConnectionId"/> (the peer a relayed change came from).</summary>
    internal void NotifyChannelChanged(string channelId, string? exceptConnectionId)
    {
        if (!_options.CurrentValue.EnableSharedChannels || !_options.CurrentValue.EnableRemoteClusterService)
        {
            return;
        }

        Interlocked.Increment(ref _routing);
        _ = RouteAsync(channelId, exceptConnectionId);
    }

    /// <remarks>A channel held until a peer has our answer (<see cref="HoldUntilAnswered"/>) is waiting on the peer, like a retry delay.</remarks>
    internal bool IsIdle => Volatile.Read(ref _routing) == 0 && _workers.Values.All(w => w.IsIdle);

    /// <summary>
    /// A peer has just invited this workspace to a channel: nothing is sent in it to that peer until the peer has our
    /// answer (<paramref name="answer"/>; at most <see cref="AnswerWaitLimit"/>), and for
    /// <see cref="NewShareGracePeriod"/> a "no longer shared" answer is retried instead of ending the share.
    /// </summary>
    internal void HoldUntilAnswered(string connectionId, string channelId, ReplySignal answer)
    {
        var key = (connectionId, channelId);
        _sharesReceived[key] = _timeProvider.GetUtcNow();
        _held[key] = 0;
        ITimer? limit = null;
        void Release()
        {
            if (_held.TryRemove(key, out _))
            {
                limit?.Dispose();
                try
                {
                    // Whatever changed meanwhile (the administrator joining the channel) goes out now.
                    GetWorker(connectionId).Enqueue(channelId);
                }
                catch (ObjectDisposedException)
                {
                    // Shutting down: the channel is caught up after the restart.
                }
            }
        }

        // A transport that never reports its answers written holds the channel until the limit.
        limit = _timeProvider.CreateTimer(_ => Release(), null, AnswerWaitLimit, Timeout.InfiniteTimeSpan);
        answer.OnSent(Release);
    }

    /// <summary>Whether a peer's "no longer shared" may only mean that it has not yet recorded a share it just made.</summary>
    private bool InNewShareGracePeriod(string connectionId, SharedChannel channel)
    {
        if (channel.IsHome)
        {
            // A peer we invite records the share before it answers.
            return false;
        }

        DateTimeOffset received = _sharesReceived.TryGetValue((connectionId, channel.ChannelId), out DateTimeOffset at) && at > channel.CreatedAt ? at : channel.CreatedAt;
        return _timeProvider.GetUtcNow() - received < NewShareGracePeriod;
    }

    /// <summary>
    /// A peer sent us an authenticated request, so it is up: a worker waiting out a retry delay toward it (after an
    /// outage, up to the 5-minute cap) retries now instead of at the end of the delay or the next ping. At most once
    /// per <see cref="PeerWakeInterval"/> per connection, so a peer that keeps sending while refusing ours is not hammered.
    /// </summary>
    void IPeerActivityListener.OnPeerActive(string connectionId)
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

    /// <summary>Wakes the worker of a connection for every channel shared with it (catch-up after an interruption or a restart).</summary>
    internal async Task CatchUpAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (!_options.CurrentValue.EnableSharedChannels)
        {
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

    internal async Task StopWorkerAsync(string connectionId)
    {
        if (_workers.TryRemove(connectionId, out RemoteWorker? worker))
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        foreach ((string ConnectionId, string ChannelId) key in _sharesReceived.Keys.Where(k => k.ConnectionId == connectionId))
        {
            _sharesReceived.TryRemove(key, out _);
        }

        foreach ((string ConnectionId, string ChannelId) key in _readAhead.Keys.Where(k => k.ConnectionId == connectionId))
        {
            _readAhead.TryRemove(key, out _);
        }
    }

    /// <summary>The channels shared between this workspace and a connection, in either direction.</summary>
    internal async Task<IReadOnlyList<string>> ChannelsSharedWithAsync(string connectionId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        ids.AddRange((await _channels.ListRemotesByConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false)).Select(r => r.ChannelId));
        ids.AddRange((await _channels.ListChannelsAsync(cancellationToken).ConfigureAwait(false)).Where(c => c.HomeConnectionId == connectionId).Select(c => c.ChannelId));
        return ids;
    }

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
                if (home != exceptConnectionId)
                {
                    GetWorker(home).Enqueue(channelId);
                }

                return;
            }

            foreach (SharedChannelRemote remote in await _channels.ListRemotesAsync(channelId).ConfigureAwait(false))
            {
                if (remote.InvitationAccepted && remote.ConnectionId != exceptConnectionId)
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
                if (connection.DeletedAt is null && connection.InvitationAccepted &&
                    await ChannelsSharedWithAsync(connection.RemoteId, CancellationToken.None).ConfigureAwait(false) is [string first, ..])
                {
                    _statuses.GetOrAdd(connection.RemoteId, _ => new ConcurrentQueue<UserStatus>()).Enqueue(status);
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
        RemoteWorker worker = _workers.GetOrAdd(connectionId, id => new RemoteWorker(
            id,
            _timeProvider,
            (channelId, ct) => SyncChannelAsync(id, channelId, ct),
            (channelId, attempt, delay, ex) => Log.BatchFailed(_logger, channelId, id, attempt, delay, ex is SharedChannelsException ? ex.Message : ex.GetType().Name),
            SignalIdle));
        worker.Start();
        return worker;
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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Sends the next pages of a channel's changes to a connection and moves its cursor past the ones the peer
    /// accepted; returns whether more pages follow. To a peer running this SDK, up to
    /// <see cref="SharedChannelsOptions.MaxSyncRequestsInFlight"/> pages are on their way at once (its receiver is
    /// indifferent to the order in which they arrive, but for what <see cref="RoundItems"/> holds back); to any other
    /// peer, one. The cursor only ever moves past an unbroken run of accepted pages, so a failure in the middle
    /// resends from the first page not accepted.
    /// </summary>
    private async Task<bool> SyncChannelAsync(string connectionId, string channelId, CancellationToken cancellationToken)
    {
        ConnectionRecord? connection = await _connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        SharedChannel? channel = await _channels.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false);
        if (connection is not { DeletedAt: null, InvitationAccepted: true } || channel is null || _held.ContainsKey((connectionId, channelId)))
        {
            // A held channel is woken again when the hold ends.
            return false;
        }

        if (channel.IsHome
            ? await _channels.GetRemoteAsync(channelId, connectionId, cancellationToken).ConfigureAwait(false) is not { InvitationAccepted: true }
            : channel.HomeConnectionId != connectionId)
        {
            return false;
        }

        SharedChannelsOptions options = _options.CurrentValue;
        bool sdkPeer = connection.PeerSupportsSignedFrames;
        int maxPosts = sdkPeer ? options.EffectiveMaxPostsPerSyncToSdkPeers : options.EffectiveMaxPostsPerSync;
        int window = sdkPeer ? options.EffectiveMaxSyncRequestsInFlight : 1;
        SyncCursor? cursor = await _syncState.GetCursorAsync(channelId, connectionId, cancellationToken).ConfigureAwait(false);

        // Each page goes out as soon as it is built, while the next one is read.
        var pages = new List<ChannelChanges>(window);
        var round = new RoundItems();
        bool deferred = false;
        var sends = new List<Task<bool>>(window);
        var messagesSent = new List<bool>(window);
        List<UserStatus> statuses = TakeStatuses(connectionId);
        bool statusesSent = false;
        string? position = cursor?.Cursor;
        try
        {
            do
            {
                ChannelChanges page = await ReadPageAsync(connectionId, channelId, position, maxPosts, cancellationToken).ConfigureAwait(false);
                if (pages.Count > 0 && round.DependsOn(page))
                {
                    // This page must not overtake the pages before it (see RoundItems): it waits for their answers,
                    // and opens the next round (kept as that round's read-ahead).
                    _readAhead[(connectionId, channelId)] = new PageReadAhead(position!, maxPosts, Task.FromResult<ChannelChanges?>(page));
                    deferred = true;
                    break;
                }

                round.Add(page);
                SyncMsgDto? message = await SyncBatchBuilder.BuildAsync(channel, connectionId, page, pages.Count == 0 ? statuses : [], _host.Users, cancellationToken).ConfigureAwait(false);
                pages.Add(page);
                messagesSent.Add(message is not null);
                sends.Add(message is null ? Task.FromResult(true) : SendAsync(connection, channel, message, cancellationToken));
                position = page.NextCursor;
            }
            while (pages[^1].HasMore && pages.Count < window);

            if (!deferred && pages[^1].HasMore)
            {
                // Catching up: the next round's first page is read while this round is on the wire.
                StartReadAhead(connectionId, channelId, pages[^1].NextCursor, maxPosts, cancellationToken);
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

            int accepted = 0;
            while (accepted < sends.Count && sends[accepted].IsCompletedSuccessfully && sends[accepted].Result)
            {
                accepted++;
            }

            statusesSent = accepted > 0;
            if (accepted > 0)
            {
                string next = pages[accepted - 1].NextCursor;
                if (cursor is null || cursor.Cursor != next || messagesSent.Take(accepted).Any(sent => sent))
                {
                    await _syncState.SetCursorAsync(new SyncCursor(channelId, connectionId, next, _timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                }
            }

            if (accepted < sends.Count)
            {
                Task<bool> stopped = sends[accepted];
                if (stopped.IsCompletedSuccessfully)
                {
                    if (InNewShareGracePeriod(connectionId, channel))
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
                ReturnStatuses(connectionId, statuses);
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

    /// <summary>
    /// Reads a page of changes, or takes the one read ahead for the same cursor. A page read ahead is as valid as one
    /// read now: whatever changed since comes after its cursor and is read with a later page.
    /// </summary>
    private async Task<ChannelChanges> ReadPageAsync(string connectionId, string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken)
    {
        if (_readAhead.TryRemove((connectionId, channelId), out PageReadAhead? ahead) &&
            ahead.Cursor == cursor && ahead.MaxPosts == maxPosts &&
            await ahead.Page.ConfigureAwait(false) is { } page)
        {
            return page;
        }

        return await _host.Content.ReadChangesAsync(channelId, cursor, maxPosts, cancellationToken).ConfigureAwait(false);
    }

    private void StartReadAhead(string connectionId, string channelId, string cursor, int maxPosts, CancellationToken cancellationToken)
    {
        // On the thread pool: a host whose reads complete synchronously must not delay the send.
        Task<ChannelChanges?> page = Task.Run(
            async () =>
            {
                try
                {
                    return await _host.Content.ReadChangesAsync(channelId, cursor, maxPosts, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Read again when the page is due, where a failure is retried and logged like any other.
                    return null;
                }
            },
            CancellationToken.None);
        _readAhead[(connectionId, channelId)] = new PageReadAhead(cursor, maxPosts, page);
    }

    /// <summary>
    /// Sends a batch; returns <see langword="false"/> when the peer no longer has the channel. A batch the peer
    /// refuses as too large (HTTP 413) is sent again in two halves, posts in order, until the parts fit; a single
    /// post that does not fit is reported as refused and skipped, so one oversized post never stalls the channel.
    /// </summary>
    private async Task<bool> SendAsync(ConnectionRecord connection, SharedChannel channel, SyncMsgDto message, CancellationToken cancellationToken)
    {
        // A message refers to more users than Mattermost ever puts in one (MaxUsersPerSync) and a receiver may take
        // (MaxUsersPerSyncMessage): they go first, in messages of users only, and the message goes without them.
        if (message.Users is { Count: > MaxUsersPerMessage } users)
        {
            foreach (KeyValuePair<string, UserDto>[] chunk in users.Chunk(MaxUsersPerMessage))
            {
                if (!await SendUsersAsync(connection, channel, new Dictionary<string, UserDto>(chunk, StringComparer.Ordinal), cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }

            message = Part(message, message.Posts, withOtherItems: true, withUsers: false);
        }

        // Files go before their posts, as Mattermost sends them: a failure fails the batch, which is resent whole.
        await _attachments.UploadFilesAsync(connection, message, outcome => ReportRejections(connection.RemoteId, channel.ChannelId, outcome), cancellationToken).ConfigureAwait(false);
        RemoteResponse response = await _sender.SendFrameAsync(connection, Topics.SharedChannelSync, message, WireJsonContext.Default.SyncMsgDto, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == PayloadTooLarge)
        {
            return await SendInHalvesAsync(connection, channel, message, cancellationToken).ConfigureAwait(false);
        }

        ReplyDto reply;
        try
        {
            reply = RemoteSender.EnsureOk(connection.RemoteId, response);
        }
        catch (SharedChannelsException ex) when (ex.Message.Contains(SharingMessages.ChannelNoLongerSharedError, StringComparison.OrdinalIgnoreCase))
        {
            // The caller drops the channel, once, whatever number of messages were on their way.
            return false;
        }

        Log.BatchSent(_logger, channel.ChannelId, connection.RemoteId, message.Posts?.Count ?? 0, message.Reactions?.Count ?? 0, message.Users?.Count ?? 0);

        await _attachments.SendProfileImagesAsync(connection, message, cancellationToken).ConfigureAwait(false);
        if (WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.SyncResponseDto) is { } outcome)
        {
            ReportRejections(connection.RemoteId, channel.ChannelId, outcome);
        }

        return true;
    }

    private async Task<bool> SendInHalvesAsync(ConnectionRecord connection, SharedChannel channel, SyncMsgDto message, CancellationToken cancellationToken)
    {
        string reason = $"larger than the peer accepts (HTTP {PayloadTooLarge})";
        if (message.Posts is not { Count: > 1 } posts)
        {
            if (message.Posts is not [PostDto post])
            {
                // No post left to take out: what remains does not fit either.
                ReportRejections(connection.RemoteId, channel.ChannelId, new SyncResponseDto { ItemErrors = [new ItemErrorDto { Kind = "batch", Id = message.Id, Reason = reason }] });
                return true;
            }

            // The post alone is too large: it is reported and the rest of the message goes without it.
            ReportRejections(connection.RemoteId, channel.ChannelId, new SyncResponseDto { ItemErrors = [new ItemErrorDto { Kind = "post", Id = post.Id, Reason = reason }] });
            SyncMsgDto rest = Part(message, posts: null, withOtherItems: true);
            return !HasOtherItems(rest) || await SendAsync(connection, channel, rest, cancellationToken).ConfigureAwait(false);
        }

        Log.BatchSplit(_logger, channel.ChannelId, connection.RemoteId, posts.Count);
        int half = posts.Count / 2;

        // Both halves carry the users and mention transforms (the receiver needs them for either). The reactions,
        // acknowledgements, memberships and statuses go with the second, sent after the first was accepted, so the
        // posts they refer to are stored by then; roots stay before their replies.
        return await SendAsync(connection, channel, Part(message, posts[..half], withOtherItems: false), cancellationToken).ConfigureAwait(false) &&
               await SendAsync(connection, channel, Part(message, posts[half..], withOtherItems: true), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends users on their own; returns <see langword="false"/> when the peer no longer has the channel.</summary>
    private async Task<bool> SendUsersAsync(ConnectionRecord connection, SharedChannel channel, Dictionary<string, UserDto> users, CancellationToken cancellationToken)
    {
        var message = new SyncMsgDto { Id = RemoteIds.NewId(), ChannelId = channel.ChannelId, Users = users };
        ReplyDto reply;
        try
        {
            reply = await _sender.SendMessageAsync(connection, Topics.SharedChannelSync, message, WireJsonContext.Default.SyncMsgDto, cancellationToken).ConfigureAwait(false);
        }
        catch (SharedChannelsException ex) when (ex.Message.Contains(SharingMessages.ChannelNoLongerSharedError, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.SyncResponseDto) is { } outcome)
        {
            ReportRejections(connection.RemoteId, channel.ChannelId, outcome);
        }

        return true;
    }

    private static SyncMsgDto Part(SyncMsgDto message, List<PostDto>? posts, bool withOtherItems, bool withUsers = true) => new()
    {
        Id = RemoteIds.NewId(),
        ChannelId = message.ChannelId,
        Users = withUsers ? message.Users : null,
        Posts = posts,
        Reactions = withOtherItems ? message.Reactions : null,
        Acknowledgements = withOtherItems ? message.Acknowledgements : null,
        MembershipChanges = withOtherItems ? message.MembershipChanges : null,
        Statuses = withOtherItems ? message.Statuses : null,
        MentionTransforms = message.MentionTransforms,
    };

    private static bool HasOtherItems(SyncMsgDto message) =>
        message.Reactions is { Count: > 0 } || message.Acknowledgements is { Count: > 0 } ||
        message.MembershipChanges is { Count: > 0 } || message.Statuses is { Count: > 0 };

    /// <summary>The peer no longer has the channel: stop sending it there.</summary>
    private async Task DropChannelAsync(ConnectionRecord connection, SharedChannel channel, CancellationToken cancellationToken)
    {
        if (channel.IsHome)
        {
            await _channels.RemoveRemoteAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false);
            await _syncState.RemoveCursorAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The cursor toward the home is kept, so the same home can share the channel again.
            await _channels.RemoveChannelAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false);
            await _host.SystemMessages.PostAsync(channel.ChannelId, SharingMessages.NoLongerShared, cancellationToken).ConfigureAwait(false);
        }

        Log.ChannelUnsharedByPeer(_logger, channel.ChannelId, connection.RemoteId);
    }

    private void ReportRejections(string connectionId, string channelId, SyncResponseDto response)
    {
        var explained = (response.ItemErrors ?? []).Where(e => e is { Id: not null }).ToList();
        var reported = new HashSet<(string, string)>();
        foreach (ItemErrorDto error in explained)
        {
            Report(error.Kind ?? "item", error.Id!, WireFormat.SanitizePeerError(error.Reason));
        }

        // Mattermost peers only list ids.
        foreach ((string kind, List<string> ids) in new[] { ("user", response.UserErrors), ("post", response.PostErrors), ("reaction", response.ReactionErrors), ("acknowledgement", response.AcknowledgementErrors), ("status", response.StatusErrors) })
        {
            foreach (string? id in ids)
            {
                if (id is null)
                {
                    continue;
                }

                Report(kind, id, "refused by the peer");
            }
        }

        void Report(string kind, string itemId, string reason)
        {
            if (!reported.Add((kind, itemId)))
            {
                return;
            }

            Log.ItemRejectedByPeer(_logger, connectionId, kind, itemId, channelId, reason);
            SharedChannelsMetrics.ItemsRejected.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("direction", "outbound"));
            try
            {
                ItemRejected?.Invoke(this, new SyncItemRejectedEventArgs(connectionId, channelId, kind, itemId, reason));
            }
            catch (Exception ex)
            {
                Log.WorkerFailed(_logger, connectionId, ex);
            }
        }
    }

    private List<UserStatus> TakeStatuses(string connectionId)
    {
        var taken = new List<UserStatus>();
        if (_statuses.TryGetValue(connectionId, out ConcurrentQueue<UserStatus>? queue))
        {
            while (taken.Count < 100 && queue.TryDequeue(out UserStatus? status))
            {
                taken.Add(status);
            }
        }

        return taken;
    }

    private void ReturnStatuses(string connectionId, List<UserStatus> statuses)
    {
        ConcurrentQueue<UserStatus> queue = _statuses.GetOrAdd(connectionId, _ => new ConcurrentQueue<UserStatus>());
        foreach (UserStatus status in statuses)
        {
            queue.Enqueue(status);
        }
    }

    private sealed record PageReadAhead(string Cursor, int MaxPosts, Task<ChannelChanges?> Page);

    /// <summary>
    /// What the pages of a round in flight carry, to keep a page out of the round when the order in which the peer
    /// applies it could matter: when it has a reaction or acknowledgement on a post of an earlier page (accepted only
    /// on a post the peer has), or a second version of a reaction, acknowledgement or membership of an earlier page
    /// (with a host that does not implement <see cref="IChannelContent.GetReactionAsync"/> or
    /// <see cref="IChannelContent.GetLatestMembershipChangeAsync"/>, the last to arrive wins). Posts need nothing:
    /// the newest <c>update_at</c> wins whatever the order.
    /// </summary>
    private sealed class RoundItems
    {
        private readonly HashSet<string> _posts = new(StringComparer.Ordinal);
        private readonly HashSet<(string PostId, string UserId, string EmojiName)> _reactions = [];
        private readonly HashSet<(string PostId, string UserId)> _acknowledgements = [];
        private readonly HashSet<string> _members = new(StringComparer.Ordinal);

        public bool DependsOn(ChannelChanges page) =>
            page.Reactions.Any(r => _posts.Contains(r.PostId) || _reactions.Contains((r.PostId, r.UserId, r.EmojiName))) ||
            page.Acknowledgements.Any(a => _posts.Contains(a.PostId) || _acknowledgements.Contains((a.PostId, a.UserId))) ||
            page.MembershipChanges.Any(m => _members.Contains(m.UserId));

        public void Add(ChannelChanges page)
        {
            _posts.UnionWith(page.Posts.Select(p => p.Id));
            _reactions.UnionWith(page.Reactions.Select(r => (r.PostId, r.UserId, r.EmojiName)));
            _acknowledgements.UnionWith(page.Acknowledgements.Select(a => (a.PostId, a.UserId)));
            _members.UnionWith(page.MembershipChanges.Select(m => m.UserId));
        }
    }
}
