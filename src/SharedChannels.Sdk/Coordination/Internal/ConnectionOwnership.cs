using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace SharedChannels.Coordination.Internal;

/// <summary>
/// Which connections this node owns: the leases it holds, each usable until a local deadline. The deadline is
/// <see cref="SharedChannelsOptions.ConnectionLeaseDuration"/> after the moment the node <em>asked</em> for the grant or
/// last renewal, on the node's monotonic clock: the store measured the lease from a later moment, so the node stops
/// before the store can hand the lease to anyone else, whatever the difference between the clocks. With one node
/// (<see cref="IsSingleNode"/>) every connection is owned, always.
/// </summary>
internal sealed class ConnectionOwnership
{
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, HeldLease> _held = new(StringComparer.Ordinal);

    public ConnectionOwnership(IConnectionLeaseStore leases, TimeProvider timeProvider, string nodeId)
    {
        IsSingleNode = leases is SingleNodeConnectionLeaseStore;
        _timeProvider = timeProvider;
        NodeId = nodeId;
    }

    /// <summary>Gets whether no store coordinates nodes: this process owns every connection and nothing is leased.</summary>
    public bool IsSingleNode { get; }

    /// <summary>Gets this node's id.</summary>
    public string NodeId { get; }

    /// <summary>Gets the connections whose lease this node holds (perhaps past its deadline, until the keeper drops it).</summary>
    public ICollection<string> Held => _held.Keys;

    /// <summary>
    /// Gets whether this node may do a connection's outbound work now: it holds the lease and its deadline has not
    /// passed. Checked before each send (the lease fence).
    /// </summary>
    public bool Owns(string connectionId) =>
        IsSingleNode || (_held.TryGetValue(connectionId, out HeldLease? held) && _timeProvider.GetTimestamp() < held.Deadline);

    /// <summary>Records a lease granted or renewed; <paramref name="askedAt"/> is when the node asked (a <see cref="TimeProvider.GetTimestamp"/>).</summary>
    public void Hold(ConnectionLease lease, long askedAt, TimeSpan duration) =>
        _held[lease.ConnectionId] = new HeldLease(lease, askedAt + (long)(duration.TotalSeconds * _timeProvider.TimestampFrequency));

    /// <summary>Gets the lease held for a connection.</summary>
    public bool TryGet(string connectionId, [NotNullWhen(true)] out ConnectionLease? lease)
    {
        lease = _held.TryGetValue(connectionId, out HeldLease? held) ? held.Lease : null;
        return lease is not null;
    }

    /// <summary>Forgets a lease: the connection is no longer owned here.</summary>
    public bool Drop(string connectionId, [NotNullWhen(true)] out ConnectionLease? lease)
    {
        lease = _held.TryRemove(connectionId, out HeldLease? held) ? held.Lease : null;
        return lease is not null;
    }

    private sealed record HeldLease(ConnectionLease Lease, long Deadline);
}
