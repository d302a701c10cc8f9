using Microsoft.Extensions.Logging;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;

namespace SharedChannels.Connections.Internal;

/// <summary>Fans life-cycle events out to every <see cref="IConnectionObserver"/>; one failing observer never stops the others.</summary>
internal sealed class ConnectionObservers(IEnumerable<IConnectionObserver> observers, ILogger<ConnectionObservers> logger)
{
    private readonly IConnectionObserver[] _observers = [.. observers];

    public Task ConnectionDeletedAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        NotifyAsync(connection, o => o.OnConnectionDeletedAsync(connection, cancellationToken));

    public Task ConnectionRecoveredAsync(ConnectionRecord connection, bool wasOffline, CancellationToken cancellationToken) =>
        NotifyAsync(connection, o => o.OnConnectionRecoveredAsync(connection, wasOffline, cancellationToken));

    public Task ConnectionOpenedAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        NotifyAsync(connection, o => o.OnConnectionOpenedAsync(connection, cancellationToken));

    public Task ConnectionOfflineAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        NotifyAsync(connection, o => o.OnConnectionOfflineAsync(connection, cancellationToken));

    private async Task NotifyAsync(ConnectionRecord connection, Func<IConnectionObserver, Task> call)
    {
        foreach (IConnectionObserver observer in _observers)
        {
            try
            {
                await call(observer).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ObserverFailed(logger, connection.RemoteId, ex);
            }
        }
    }
}
