namespace SharedChannels.Coordination;

/// <summary>
/// The right of one node to run a connection's outbound work (its sync worker and its pings) until the lease expires.
/// Handed out by an <see cref="IConnectionLeaseStore"/>.
/// </summary>
/// <param name="ConnectionId">The connection the lease is for.</param>
/// <param name="NodeId">The node that holds it.</param>
/// <param name="Epoch">
/// The lease's generation: it grows each time the connection changes hands (or is taken again after a release or an
/// expiry), so a renewal by a node that lost the lease in between is refused even if that node takes it back later.
/// </param>
public sealed record ConnectionLease(string ConnectionId, string NodeId, long Epoch);
