using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Connections.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Sends every local user to a connection when it opens (<see cref="SharedChannelsOptions.SyncUsersOnConnectionOpen"/>),
/// as Mattermost's <c>syncAllUsers</c> does: topic <c>sharedchannel_global_user_sync</c>, a sync message with an empty
/// <c>channel_id</c> and only <c>users</c>, in batches of <see cref="SharedChannelsOptions.GlobalUserSyncBatchSize"/>.
/// A durable per-connection cursor (the last user sent, by update time and id) moves after each batch the peer
/// answers with a sync response, so each opening sends only what changed since. One run per connection at a time;
/// an opening during a run starts another when it ends.
/// </summary>
internal sealed class GlobalUserSync(
    IConnectionStore connections,
    ISyncStateStore syncState,
    IUserDirectory userDirectory,
    RemoteSender sender,
    IOptionsMonitor<SharedChannelsOptions> options,
    TimeProvider timeProvider,
    ILogger<GlobalUserSync> logger) : IConnectionObserver, IDisposable
{
    /// <summary>The cursor's key in <see cref="ISyncStateStore"/>, in place of a channel id (which it can never be).</summary>
    internal const string CursorKey = "*global-users";

    private readonly object _gate = new();
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _again = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public Task OnConnectionOpenedAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        Start(connection.RemoteId);
        return Task.CompletedTask;
    }

    public Task OnConnectionRecoveredAsync(ConnectionRecord connection, bool wasOffline, CancellationToken cancellationToken)
    {
        Start(connection.RemoteId);
        return Task.CompletedTask;
    }

    public Task OnConnectionOfflineAsync(ConnectionRecord connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task OnConnectionDeletedAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        syncState.RemoveCursorAsync(CursorKey, connection.RemoteId, cancellationToken);

    /// <summary>Completes when no global user sync is running.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task[] running;
            lock (_gate)
            {
                running = [.. _running.Values];
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the runs in progress; safe to call more than once (the container disposes it as each of its services).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_stopping.IsCancellationRequested)
            {
                _stopping.Cancel();
            }
        }
    }

    /// <summary>Starts a global user sync to a connection in the background, unless the option is off.</summary>
    internal void Start(string connectionId)
    {
        SharedChannelsOptions current = options.CurrentValue;
        if (!current.SyncUsersOnConnectionOpen || !current.EnableRemoteClusterService)
        {
            return;
        }

        lock (_gate)
        {
            if (_running.ContainsKey(connectionId))
            {
                _again.Add(connectionId);
                return;
            }

            _running[connectionId] = Task.Run(() => RunAsync(connectionId), CancellationToken.None);
        }
    }

    private async Task RunAsync(string connectionId)
    {
        while (true)
        {
            try
            {
                await SyncAsync(connectionId, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Shutting down: the next opening goes on from the stored cursor.
            }
            catch (Exception ex)
            {
                Log.GlobalUserSyncFailed(logger, connectionId, ex is SharedChannelsException ? ex.Message : ex.GetType().Name);
            }

            lock (_gate)
            {
                if (!_again.Remove(connectionId) || _stopping.IsCancellationRequested)
                {
                    _running.Remove(connectionId);
                    return;
                }
            }
        }
    }

    /// <summary>Sends the local users changed since the connection's cursor, batch by batch.</summary>
    internal async Task SyncAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (await connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false) is not { DeletedAt: null, InvitationAccepted: true, RemoteToken: not null } connection)
        {
            return;
        }

        int batchSize = options.CurrentValue.EffectiveGlobalUserSyncBatchSize;
        (DateTimeOffset after, string afterId) = ParseCursor((await syncState.GetCursorAsync(CursorKey, connectionId, cancellationToken).ConfigureAwait(false))?.Cursor);
        int sent = 0;
        while (true)
        {
            IReadOnlyList<ChatUser> page;
            try
            {
                page = await userDirectory.ListLocalUsersAsync(after, afterId, batchSize, cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException)
            {
                Log.GlobalUserSyncUnsupported(logger, connectionId);
                return;
            }

            // Shadows of remote users belong to their own workspaces (the port lists only local ones; this makes sure).
            var users = page.Where(u => !u.IsRemote).ToDictionary(u => u.Id, u => SyncMapping.ToDto(u, originRemoteId: null), StringComparer.Ordinal);
            if (page.Count == 0)
            {
                Log.GlobalUserSyncDone(logger, connectionId, sent);
                return;
            }

            if (users.Count > 0)
            {
                var message = new SyncMsgDto { Id = RemoteIds.NewId(), ChannelId = string.Empty, Users = users };
                ReplyDto reply = await sender.SendMessageAsync(connection, Topics.GlobalUserSync, message, WireJsonContext.Default.SyncMsgDto, cancellationToken).ConfigureAwait(false);
                if (WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.SyncResponseDto) is not { } response)
                {
                    // Mattermost answers without a payload when it does not take global user syncs; it then keeps its
                    // own cursor where it was, and so does this side: the next opening sends the same users again.
                    Log.GlobalUserSyncNotTaken(logger, connectionId);
                    return;
                }

                foreach (string? refused in response.UserErrors)
                {
                    Log.ItemRejectedByPeer(logger, connectionId, "user", refused ?? "(none)", "(global user sync)", "refused by the peer");
                }

                sent += users.Count;
            }

            ChatUser last = page[^1];
            (after, afterId) = (last.UpdateAt, last.Id);
            await syncState.SetCursorAsync(new SyncCursor(CursorKey, connectionId, FormatCursor(after, afterId), timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            if (page.Count < batchSize)
            {
                Log.GlobalUserSyncDone(logger, connectionId, sent);
                return;
            }
        }
    }

    private static string FormatCursor(DateTimeOffset after, string afterId) =>
        after.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ":" + afterId;

    private static (DateTimeOffset After, string AfterId) ParseCursor(string? cursor)
    {
        int colon = cursor?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && long.TryParse(cursor.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
            ? (DateTimeOffset.FromUnixTimeMilliseconds(ms), cursor![(colon + 1)..])
            : (DateTimeOffset.MinValue, string.Empty);
    }
}
