namespace SharedChannels.Coordination.Internal;

/// <summary>
/// The default when no storage package coordinates nodes: one process, which holds every lease. The SDK recognises it
/// and skips leasing altogether (<see cref="ConnectionOwnership.IsSingleNode"/>), so single-node behaviour is unchanged.
/// </summary>
internal sealed class SingleNodeConnectionLeaseStore : IConnectionLeaseStore
{
    public Task<ConnectionLease?> TryAcquireAsync(string connectionId, string nodeId, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Task.FromResult<ConnectionLease?>(new ConnectionLease(connectionId, nodeId, 1));

    public Task<bool> RenewAsync(ConnectionLease lease, TimeSpan duration, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task ReleaseAsync(ConnectionLease lease, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
