using System.Collections.Concurrent;
using SharedChannels.Content;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// The next page of a channel's changes, read for a connection while the previous round is on the wire. A page read
/// ahead is as valid as one read now: whatever changed since comes after its cursor and is read with a later page.
/// At most one page is kept per connection and channel; it is used only for the same cursor and page size.
/// </summary>
/// <param name="content">Reads the host's changes.</param>
internal sealed class PageReadAhead(IChannelContent content)
{
    private readonly ConcurrentDictionary<(string ConnectionId, string ChannelId), Entry> _pages = new();

    /// <summary>Gets the number of pages kept (for tests).</summary>
    internal int Count => _pages.Count;

    /// <summary>Reads a page of changes, or takes the one read ahead for the same cursor and size.</summary>
    public async Task<ChannelChanges> ReadAsync(string connectionId, string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken)
    {
        if (_pages.TryRemove((connectionId, channelId), out Entry? ahead) &&
            ahead.Cursor == cursor && ahead.MaxPosts == maxPosts &&
            await ahead.Page.ConfigureAwait(false) is { } page)
        {
            return page;
        }

        return await content.ReadChangesAsync(channelId, cursor, maxPosts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts reading the page after <paramref name="cursor"/>, on the thread pool, for the next round.</summary>
    public void Start(string connectionId, string channelId, string cursor, int maxPosts, CancellationToken cancellationToken)
    {
        // On the thread pool: a host whose reads complete synchronously must not delay the send.
        Task<ChannelChanges?> page = Task.Run(
            async () =>
            {
                try
                {
                    return await content.ReadChangesAsync(channelId, cursor, maxPosts, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Read again when the page is due, where a failure is retried and logged like any other.
                    return null;
                }
            },
            CancellationToken.None);
        _pages[(connectionId, channelId)] = new Entry(cursor, maxPosts, page);
    }

    /// <summary>Keeps a page already read (held back from a round) as the next round's first page.</summary>
    public void Keep(string connectionId, string channelId, string cursor, int maxPosts, ChannelChanges page) =>
        _pages[(connectionId, channelId)] = new Entry(cursor, maxPosts, Task.FromResult<ChannelChanges?>(page));

    /// <summary>Drops the pages kept for a connection.</summary>
    public void Forget(string connectionId)
    {
        foreach ((string ConnectionId, string ChannelId) key in _pages.Keys.Where(k => k.ConnectionId == connectionId))
        {
            _pages.TryRemove(key, out _);
        }
    }

    private sealed record Entry(string Cursor, int MaxPosts, Task<ChannelChanges?> Page);
}
