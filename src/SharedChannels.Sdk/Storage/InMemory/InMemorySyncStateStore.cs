using System.Collections.Concurrent;

namespace SharedChannels.Storage.InMemory;

/// <summary>An <see cref="ISyncStateStore"/> held in process memory: for tests and demos. Nothing survives a restart.</summary>
public sealed class InMemorySyncStateStore : ISyncStateStore
{
    private readonly ConcurrentDictionary<(string ChannelId, string ConnectionId), SyncCursor> _cursors = new();

    /// <inheritdoc />
    public Task<SyncCursor?> GetCursorAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        return Task.FromResult(_cursors.GetValueOrDefault((channelId, connectionId)));
    }

    /// <inheritdoc />
    public Task SetCursorAsync(SyncCursor cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        _cursors[(cursor.ChannelId, cursor.ConnectionId)] = cursor;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveCursorAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        _cursors.TryRemove((channelId, connectionId), out _);
        return Task.CompletedTask;
    }
}
