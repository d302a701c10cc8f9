using System.Collections.Concurrent;

namespace SharedChannels.Content;

/// <summary>What the SDK tells the host about an inbound transaction (see <see cref="IInboundTransactionFactory"/>).</summary>
public sealed class InboundTransactionContext
{
    private readonly ConcurrentDictionary<string, bool> _recorded = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="InboundTransactionContext"/> class.</summary>
    /// <param name="connectionId">The connection whose messages the transaction applies.</param>
    public InboundTransactionContext(string connectionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId);
        ConnectionId = connectionId;
    }

    /// <summary>Gets the connection (the peer) whose messages the transaction applies; the items carry it as their remote id.</summary>
    public string ConnectionId { get; }

    /// <summary>
    /// Gets whether the SDK will read the peer's items applied in <paramref name="channelId"/> back through
    /// <see cref="IChannelContent.ReadChangesAsync"/>: <see langword="true"/> where this workspace is the channel's home
    /// (it relays them to the channel's other connections), <see langword="false"/> where the sending connection is
    /// the home (the only workspace they could be sent to is the one they came from). A host may leave the peer's
    /// items out of its change feed where this is <see langword="false"/>, or record them anyway: the SDK skips them.
    /// Changes the SDK makes on this workspace's own behalf (items without a remote id) are always read back.
    /// </summary>
    /// <param name="channelId">A channel the transaction writes in.</param>
    /// <returns>Whether the peer's items in the channel belong in the change feed; <see langword="true"/> for a channel the SDK has not announced.</returns>
    public bool RecordsChanges(string channelId)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        return !_recorded.TryGetValue(channelId, out bool recorded) || recorded;
    }

    /// <summary>Records, before the SDK writes in a channel, whether its peer items are relayed from here.</summary>
    internal void SetRecordsChanges(string channelId, bool recorded) => _recorded[channelId] = recorded;
}
