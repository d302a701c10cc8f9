namespace SharedChannels.Storage.InMemory;

/// <summary>An <see cref="IConnectionStore"/> held in process memory: for tests and demos. Nothing survives a restart.</summary>
public sealed class InMemoryConnectionStore : IConnectionStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ConnectionRecord> _byId = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<bool> TryAddAsync(ConnectionRecord connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            if (_byId.ContainsKey(connection.RemoteId) ||
                _byId.Values.Any(c => c.DeletedAt is null && string.Equals(c.Name, connection.Name, StringComparison.Ordinal)))
            {
                return Task.FromResult(false);
            }

            _byId.Add(connection.RemoteId, connection);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<ConnectionRecord?> GetAsync(string remoteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        lock (_gate)
        {
            return Task.FromResult(_byId.GetValueOrDefault(remoteId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConnectionRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<ConnectionRecord> list = [.. _byId.Values.OrderBy(c => c.CreatedAt).ThenBy(c => c.RemoteId, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(ConnectionRecord connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            if (!_byId.ContainsKey(connection.RemoteId))
            {
                return Task.FromResult(false);
            }

            _byId[connection.RemoteId] = connection;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task SetLastPingAsync(string remoteId, DateTimeOffset pingedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        lock (_gate)
        {
            if (_byId.TryGetValue(remoteId, out ConnectionRecord? existing))
            {
                _byId[remoteId] = existing with { LastPingAt = pingedAt };
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string remoteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remoteId);
        lock (_gate)
        {
            return Task.FromResult(_byId.Remove(remoteId));
        }
    }
}
