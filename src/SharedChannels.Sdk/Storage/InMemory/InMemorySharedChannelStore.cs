
namespace SharedChannels.Storage.InMemory;

/// <summary>An <see cref="ISharedChannelStore"/> held in process memory: for tests and demos. Nothing survives a restart.</summary>
public sealed class InMemorySharedChannelStore : ISharedChannelStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SharedChannel> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ChannelId, string ConnectionId), SharedChannelRemote> _remotes = [];

    /// <inheritdoc />
    public Task<SharedChannel?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        lock (_gate)
        {
            return Task.FromResult(_channels.GetValueOrDefault(channelId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannel>> ListChannelsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<SharedChannel> list = [.. _channels.Values.OrderBy(c => c.CreatedAt).ThenBy(c => c.ChannelId, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task UpsertChannelAsync(SharedChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            _channels[channel.ChannelId] = channel;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RemoveChannelAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        lock (_gate)
        {
            foreach (var key in _remotes.Keys.Where(k => k.ChannelId == channelId).ToList())
            {
                _remotes.Remove(key);
            }

            return Task.FromResult(_channels.Remove(channelId));
        }
    }

    /// <inheritdoc />
    public Task<SharedChannelRemote?> GetRemoteAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_gate)
        {
            return Task.FromResult(_remotes.GetValueOrDefault((channelId, connectionId)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannelRemote>> ListRemotesAsync(string channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        lock (_gate)
        {
            IReadOnlyList<SharedChannelRemote> list = [.. _remotes.Values.Where(r => r.ChannelId == channelId).OrderBy(r => r.CreatedAt).ThenBy(r => r.ConnectionId, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SharedChannelRemote>> ListRemotesByConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_gate)
        {
            IReadOnlyList<SharedChannelRemote> list = [.. _remotes.Values.Where(r => r.ConnectionId == connectionId).OrderBy(r => r.CreatedAt).ThenBy(r => r.ChannelId, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task UpsertRemoteAsync(SharedChannelRemote remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lock (_gate)
        {
            _remotes[(remote.ChannelId, remote.ConnectionId)] = remote;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RemoveRemoteAsync(string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_gate)
        {
            return Task.FromResult(_remotes.Remove((channelId, connectionId)));
        }
    }
}
