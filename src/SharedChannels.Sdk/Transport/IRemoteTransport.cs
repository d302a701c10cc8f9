namespace SharedChannels.Transport;

/// <summary>
/// Transport port: delivers a request to a peer workspace and returns its answer. The HTTP transport
/// (<c>SharedChannels.Sdk.Http</c>) speaks Mattermost's endpoints; <c>LoopbackNetwork</c> (<c>SharedChannels.Sdk.Testing</c>)
/// connects SDK instances in one process.
/// </summary>
/// <remarks>
/// A transport throws when the peer could not be reached or did not answer (any exception but cancellation of
/// <c>cancellationToken</c> counts as "unreachable"); a peer that answered, even with an error status, returns a
/// <see cref="RemoteResponse"/>. The SDK applies its own timeouts through <c>cancellationToken</c>.
/// </remarks>
public interface IRemoteTransport
{
    /// <summary>Sends <paramref name="request"/> to the workspace at <paramref name="siteUrl"/>.</summary>
    /// <param name="siteUrl">The peer's site URL.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">A token to cancel the send.</param>
    /// <returns>The peer's answer.</returns>
    Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default);
}
