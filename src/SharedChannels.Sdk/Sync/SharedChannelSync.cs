using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Coordination.Internal;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Sync.Internal;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;

namespace SharedChannels.Sync;

/// <summary>
/// Keeps shared channels in sync. The host calls <see cref="NotifyChannelChanged(string)"/> after any change in a shared
/// channel; the worker of each affected connection wakes at once (no debounce), reads the changes after that
/// connection's cursor and sends them. A cursor moves only when the peer answers OK, so nothing is lost on a
/// failure or a restart.
/// </summary>
/// <remarks>
/// The members are virtual and a protected constructor exists so a host can substitute this class in its own unit
/// tests (for example with a mocking library); an instance created that way syncs nothing.
/// </remarks>
public class SharedChannelSync : IAsyncDisposable, IDisposable, IPeerActivityListener
{
    /// <summary>How often a peer's requests may cut short a worker's retry delay toward it.</summary>
    internal static readonly TimeSpan PeerWakeInterval = SyncRouter.PeerWakeInterval;

    /// <summary>
    /// How long after a peer invited this workspace to a channel its "channel is no longer shared" answers are taken
    /// as not yet shared (retried) rather than unshared: Mattermost records the share only once our answer to its
    /// invitation arrives, so a sync that crosses that answer is refused for a moment.
    /// </summary>
    internal static readonly TimeSpan NewShareGracePeriod = NewShareHolds.GracePeriod;

    /// <summary>The most users sent in one sync message: Mattermost's <c>MaxUsersPerSync</c>.</summary>
    internal const int MaxUsersPerMessage = PayloadSplitter.MaxUsersPerMessage;

    /// <summary>How long a channel just received waits for the transport to report its answer written (<see cref="RemoteResponse.MarkSent"/>).</summary>
    internal static readonly TimeSpan AnswerWaitLimit = NewShareHolds.AnswerWaitLimit;

    private readonly IOptionsMonitor<SharedChannelsOptions>? _options;
    private readonly SyncRouter? _router;
    private readonly ChangeSignalPublisher? _publisher;

    internal SharedChannelSync(
        ISharedChannelStore channels,
        IConnectionStore connections,
        ISyncStateStore syncState,
        IChannelContent content,
        IUserDirectory users,
        ISystemMessages systemMessages,
        IFileContent? files,
        RemoteSender sender,
        IOptionsMonitor<SharedChannelsOptions> options,
        TimeProvider timeProvider,
        IRetryDelays retryDelays,
        ConnectionOwnership ownership,
        ChangeSignalPublisher publisher,
        ILogger<SharedChannelSync> logger)
    {
        _options = options;
        _publisher = publisher;
        var attachments = new AttachmentSender(users, files, sender, options, logger);
        var rejections = new RejectionReporter(OnItemRejected, logger);
        var readAhead = new PageReadAhead(content);
        var statuses = new StatusOutbox();
        var holds = new NewShareHolds(timeProvider);
        var round = new ChannelRound(
            channels, connections, syncState, users, systemMessages, options, timeProvider, readAhead, statuses, holds, new BatchSender(sender, attachments, rejections, logger), ownership, logger);
        _router = new SyncRouter(channels, connections, timeProvider, retryDelays, round, statuses, readAhead, holds, attachments, ownership, publisher, logger);
    }

    /// <summary>Initializes a new instance of the <see cref="SharedChannelSync"/> class for mocking: it syncs nothing.</summary>
    protected SharedChannelSync()
    {
    }

    /// <summary>Raised when a peer refuses an item this workspace sent (the cursor moves on; the item is reported, not retried).</summary>
    public event EventHandler<SyncItemRejectedEventArgs>? ItemRejected;

    /// <summary>Gets the engine behind the facade, or <see langword="null"/> for an instance made for mocking (for tests).</summary>
    internal SyncRouter? Router => _router;

    /// <remarks>A channel held until a peer has our answer (<see cref="HoldUntilAnswered"/>) is waiting on the peer, like a retry delay.</remarks>
    internal bool IsIdle => _router?.IsIdle ?? true;

    /// <summary>
    /// Tells the SDK that a channel changed (new post, edit, delete, reaction, acknowledgement, membership).
    /// Returns at once; if the channel is shared, the affected connections' workers wake and send what changed.
    /// Calling it for a channel that is not shared is harmless.
    /// </summary>
    /// <param name="channelId">The channel.</param>
    public virtual void NotifyChannelChanged(string channelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        NotifyChannelChanged(channelId, exceptConnectionId: null);
    }

    /// <summary>
    /// Tells the SDK that a local user's status changed. It is sent to every connection sharing a channel with
    /// this workspace, unless <see cref="SharedChannelsOptions.DisableSharedChannelsStatusSync"/> is set.
    /// Statuses are not stored: one lost to a restart is replaced by the next, and only a user's latest status waits
    /// for a connection that is offline.
    /// </summary>
    /// <param name="status">The status.</param>
    public virtual void NotifyUserStatusChanged(UserStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_router is null || _options is not { CurrentValue: { DisableSharedChannelsStatusSync: false, EnableSharedChannels: true, EnableRemoteClusterService: true } })
        {
            return;
        }

        _router.RouteStatus(status);
    }

    /// <summary>
    /// Completes when no sync work is running or due: every worker is waiting for changes or for a retry delay.
    /// Useful in tests and before shutting down.
    /// </summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>A task that completes when idle.</returns>
    public virtual Task WhenIdleAsync(CancellationToken cancellationToken = default) =>
        _router?.WhenIdleAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops every worker.</summary>
    /// <returns>A task that completes when the workers have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        Dispose(disposing: false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops every worker without waiting for in-flight sends; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Wakes the workers of a channel's connections, except <paramref name="exceptConnectionId"/> (the peer a relayed change
    /// came from): those on this node at once, those owned by other nodes through the change signals.
    /// </summary>
    internal void NotifyChannelChanged(string channelId, string? exceptConnectionId)
    {
        if (_router is null || _options is not { CurrentValue: { EnableSharedChannels: true, EnableRemoteClusterService: true } })
        {
            return;
        }

        _router.RouteChannel(channelId, exceptConnectionId);
        _publisher?.Publish(channelId, exceptConnectionId);
    }

    /// <summary>Wakes the workers of a channel's connections owned by this node: another node signalled the change.</summary>
    internal void RouteChannelLocally(string channelId, string? exceptConnectionId)
    {
        if (_router is null || _options is not { CurrentValue: { EnableSharedChannels: true, EnableRemoteClusterService: true } })
        {
            return;
        }

        _router.RouteChannel(channelId, exceptConnectionId);
    }

    /// <summary>
    /// A peer has just invited this workspace to a channel: nothing is sent in it to that peer until the peer has our
    /// answer (<paramref name="answer"/>; at most <see cref="AnswerWaitLimit"/>), and for
    /// <see cref="NewShareGracePeriod"/> a "no longer shared" answer is retried instead of ending the share.
    /// </summary>
    internal void HoldUntilAnswered(string connectionId, string channelId, ReplySignal answer) =>
        _router?.HoldUntilAnswered(connectionId, channelId, answer);

    /// <summary>Wakes the worker of a connection for every channel shared with it (catch-up after an interruption or a restart).</summary>
    internal Task CatchUpAsync(string connectionId, CancellationToken cancellationToken) =>
        _router is not null && _options is { CurrentValue.EnableSharedChannels: true }
            ? _router.CatchUpAsync(connectionId, cancellationToken)
            : Task.CompletedTask;

    /// <summary>Stops a connection's worker and forgets what is kept in memory for it (statuses, files sent, pages read ahead).</summary>
    internal Task StopWorkerAsync(string connectionId) => _router?.StopWorkerAsync(connectionId) ?? Task.CompletedTask;

    /// <summary>The channels shared between this workspace and a connection, in either direction.</summary>
    internal Task<IReadOnlyList<string>> ChannelsSharedWithAsync(string connectionId, CancellationToken cancellationToken) =>
        _router?.ChannelsSharedWithAsync(connectionId, cancellationToken) ?? Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Raises <see cref="ItemRejected"/>.</summary>
    /// <param name="e">The refused item.</param>
    protected virtual void OnItemRejected(SyncItemRejectedEventArgs e) => ItemRejected?.Invoke(this, e);

    /// <summary>Stops every worker without waiting for in-flight sends.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _router?.Dispose();
        }
    }

    /// <summary>Stops every worker and waits for them.</summary>
    /// <returns>A task that completes when the workers have stopped.</returns>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (_router is not null)
        {
            await _router.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A peer sent us an authenticated request, so it is up: a worker waiting out a retry delay toward it (after an
    /// outage, up to the 5-minute cap) retries now instead of at the end of the delay or the next ping.
    /// </summary>
    void IPeerActivityListener.OnPeerActive(string connectionId) => _router?.OnPeerActive(connectionId);
}
