using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Connections.Internal;
using SharedChannels.Coordination.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Connections;

/// <summary>
/// Keeps track of whether each confirmed connection is reachable: pings every
/// <see cref="SharedChannelsOptions.PingInterval"/>, records successful outbound pings, declares a connection
/// offline after <see cref="SharedChannelsOptions.OfflineAfter"/> without one, and raises
/// <see cref="StateChanged"/>. When a connection comes back, or answers again after a failed send, whatever it
/// missed is caught up. With several nodes, each connection is pinged only by the node that owns it (holds its lease).
/// </summary>
/// <remarks>
/// The dependency-injection container owns the monitor and disposes it, which cancels a ping round in progress.
/// </remarks>
public class ConnectionMonitor : IDisposable
{
    private readonly IConnectionStore _store;
    private readonly RemoteSender _sender;
    private readonly ConnectionHealth _health;
    private readonly ConnectionObservers _observers;
    private readonly IOptionsMonitor<SharedChannelsOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConnectionOwnership? _ownership;
    private readonly ConcurrentDictionary<string, ConnectionState> _knownStates = new(StringComparer.Ordinal);
    private readonly object _roundGate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private Task? _currentRound;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ConnectionMonitor"/> class for mocking in a host's unit tests.</summary>
    protected ConnectionMonitor()
        : this(null!, null!, null!, null!, null!, null!, null!, null)
    {
    }

    internal ConnectionMonitor(
        IConnectionStore store,
        RemoteSender sender,
        ConnectionHealth health,
        ConnectionObservers observers,
        IOptionsMonitor<SharedChannelsOptions> options,
        TimeProvider timeProvider,
        ILogger<ConnectionMonitor> logger,
        ConnectionOwnership? ownership = null)
    {
        _ownership = ownership;
        _store = store;
        _sender = sender;
        _health = health;
        _observers = observers;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised when a connection's state changes (e.g. Connected → Offline), as observed by a ping round.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>
    /// Pings every confirmed connection now (with several nodes: every one this node owns), concurrently, and updates states. The background loop calls this
    /// every <see cref="SharedChannelsOptions.PingInterval"/>; hosts may call it to refresh at once.
    /// </summary>
    /// <param name="cancellationToken">
    /// A token to stop waiting for the round. Callers arriving during a round share it; the round itself runs until it
    /// is done (or the monitor is disposed), so one caller giving up does not cut it short for the others.
    /// </param>
    /// <returns>A task that completes when every ping has succeeded, failed or timed out.</returns>
    /// <exception cref="ObjectDisposedException">The monitor has been disposed.</exception>
    public virtual Task PingAllAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        Task round;
        lock (_roundGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Callers arriving during a round share it rather than pinging every peer twice. The round runs on the
            // monitor's lifetime, not on the token of whoever started it.
            if (_currentRound is null || _currentRound.IsCompleted)
            {
                _currentRound = PingRoundAsync(_lifetime.Token);
            }

            round = _currentRound;
        }

        return cancellationToken.CanBeCanceled ? round.WaitAsync(cancellationToken) : round;
    }

    /// <summary>Cancels a ping round in progress; the monitor cannot be used afterwards.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Cancels a ping round in progress when <paramref name="disposing"/> is <see langword="true"/>.</summary>
    /// <param name="disposing">Whether the call comes from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        lock (_roundGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    private async Task PingRoundAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ConnectionRecord> connections = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        // With several nodes, the owner of a connection pings it, and only the owner: the others would ping it again and
        // start catch-ups their workers may not run.
        ConnectionRecord[] confirmed = [.. connections.Where(c => c.DeletedAt is null && c.InvitationAccepted && c.RemoteToken is not null && (_ownership?.Owns(c.RemoteId) ?? true))];
        await Task.WhenAll(confirmed.Select(c => PingOneAsync(c, cancellationToken))).ConfigureAwait(false);
        foreach (string gone in _knownStates.Keys.Except(confirmed.Select(c => c.RemoteId)))
        {
            _knownStates.TryRemove(gone, out _);
        }
    }

    /// <summary>Runs ping rounds until <paramref name="cancellationToken"/> is cancelled: one at once, then one every interval.</summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.CurrentValue.PingInterval, _timeProvider);
        do
        {
            try
            {
                await PingAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.MonitorRoundFailed(_logger, ex);
            }
        }
        while (await WaitForNextTickAsync(timer, cancellationToken).ConfigureAwait(false));
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

    private async Task PingOneAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        SharedChannelsOptions options = _options.CurrentValue;
        bool ok = await SendPingAsync(connection, options, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        ConnectionState previous = _knownStates.TryGetValue(connection.RemoteId, out ConnectionState known)
            ? known
            : ConnectionStatus.StateOf(connection, now, options.OfflineAfter);

        ConnectionRecord current = connection;
        bool interrupted = false;
        if (ok)
        {
            current = connection with { LastPingAt = now };
            await _store.SetLastPingAsync(connection.RemoteId, now, cancellationToken).ConfigureAwait(false);
            interrupted = _health.ClearInterruption(connection.RemoteId);
        }

        ConnectionState state = ConnectionStatus.StateOf(current, now, options.OfflineAfter);
        _knownStates[connection.RemoteId] = state;
        if (state != previous)
        {
            Log.ConnectionStateChanged(_logger, connection.RemoteId, state, previous);
            SharedChannelsMetrics.ConnectionStateChanges.Add(1, new KeyValuePair<string, object?>("state", state.ToString()));
            RaiseStateChanged(new ConnectionStateChangedEventArgs(ConnectionStatus.ToStatus(current, now, options.OfflineAfter), previous));
            if (state == ConnectionState.Offline)
            {
                await _observers.ConnectionOfflineAsync(current, cancellationToken).ConfigureAwait(false);
            }
        }

        bool cameBack = state == ConnectionState.Connected && previous == ConnectionState.Offline;
        if (cameBack || (ok && interrupted))
        {
            await _observers.ConnectionRecoveredAsync(current, cameBack, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RaiseStateChanged(ConnectionStateChangedEventArgs args)
    {
        // A host's handler that throws must not stop the monitor or the catch-up that follows.
        try
        {
            StateChanged?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            Log.ObserverFailed(_logger, args.Connection.Id, ex);
        }
    }

    private async Task<bool> SendPingAsync(ConnectionRecord connection, SharedChannelsOptions options, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(connection.SiteUrl, UriKind.Absolute, out Uri? siteUrl))
        {
            return false;
        }

        long sentAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var request = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Ping,
            RemoteId = connection.RemoteId,
            Token = connection.RemoteToken,
            Body = WireFormat.Frame(connection.RemoteId, Topics.Ping, sentAt, new PingDto { SentAt = sentAt }, WireJsonContext.Default.PingDto),
        };

        string? failure;
        try
        {
            RemoteResponse response = await _sender.SendAsync(connection, siteUrl, request, options.PingTimeout, cancellationToken).ConfigureAwait(false);
            failure = response.IsSuccessStatusCode && IsPingReply(response.Body) ? null : $"the peer answered HTTP {response.StatusCode}";
        }
        catch (SharedChannelsException ex)
        {
            failure = ex.Message;
        }

        SharedChannelsMetrics.Pings.Add(1, new KeyValuePair<string, object?>("outcome", failure is null ? "ok" : "failed"));
        if (failure is not null)
        {
            _health.ReportSendFailure(connection.RemoteId);
            Log.PingFailed(_logger, connection.RemoteId, failure);
        }

        return failure is null;
    }

    private static bool IsPingReply(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body.Span, WireJsonContext.Default.PingDto) is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
