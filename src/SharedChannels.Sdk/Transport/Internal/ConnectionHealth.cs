using System.Collections.Concurrent;

namespace SharedChannels.Transport.Internal;

/// <summary>
/// Remembers which connections had a failed send since their last good ping: such a connection was
/// interrupted, however briefly, and must be caught up when the next ping succeeds.
/// </summary>
internal sealed class ConnectionHealth
{
    private readonly ConcurrentDictionary<string, bool> _interrupted = new(StringComparer.Ordinal);

    public void ReportSendFailure(string remoteId) => _interrupted[remoteId] = true;

    public bool IsInterrupted(string remoteId) => _interrupted.ContainsKey(remoteId);

    /// <summary>Clears the mark after a good ping; returns whether it was set.</summary>
    public bool ClearInterruption(string remoteId) => _interrupted.TryRemove(remoteId, out _);
}
