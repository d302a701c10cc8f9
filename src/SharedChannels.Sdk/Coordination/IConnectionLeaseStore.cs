namespace SharedChannels.Coordination;

/// <summary>
/// Leases of connections to nodes: with several processes (nodes) of one workspace over one database, each connection's
/// outbound worker and pings run on the one node holding its lease. A storage package for several nodes implements it;
/// without one, the single process holds every lease.
/// </summary>
/// <remarks>
/// <para>
/// A lease lasts <c>duration</c> from the moment the store grants or renews it. Measure that on one clock shared by every
/// node, the database's (e.g. PostgreSQL's <c>now()</c>), never the nodes' own clocks: a node whose clock runs ahead
/// must not take a lease that is still held. The SDK renews each lease it holds every third of its duration, and stops
/// using a lease it could not renew once <c>duration</c> has passed since it asked for the last renewal, before the
/// store can have handed it to another node.
/// </para>
/// <para>Implementations must be safe for concurrent use, across threads and across processes.</para>
/// </remarks>
public interface IConnectionLeaseStore
{
    /// <summary>
    /// Takes the lease of a connection for a node, if no other node holds it unexpired. A node that already holds it gets
    /// it back with the same <see cref="ConnectionLease.Epoch"/> and a renewed expiry; otherwise the epoch grows.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="nodeId">The node asking for it.</param>
    /// <param name="duration">How long the lease lasts from now unless renewed.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The lease, or <see langword="null"/> when another node holds it.</returns>
    Task<ConnectionLease?> TryAcquireAsync(string connectionId, string nodeId, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends a lease to <paramref name="duration"/> from now, if it is still the one granted: same node, same epoch.
    /// </summary>
    /// <param name="lease">The lease as granted.</param>
    /// <param name="duration">How long the lease lasts from now unless renewed again.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>
    /// <see langword="true"/> when renewed; <see langword="false"/> when the lease was lost (taken by another node, or
    /// released): the node must stop the connection's work at once.
    /// </returns>
    Task<bool> RenewAsync(ConnectionLease lease, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a lease up, so another node may take it at once rather than after it expires. Releasing a lease that was
    /// already lost does nothing.
    /// </summary>
    /// <param name="lease">The lease as granted.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    Task ReleaseAsync(ConnectionLease lease, CancellationToken cancellationToken = default);
}
