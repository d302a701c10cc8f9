namespace SharedChannels.Transport.Internal;

/// <summary>
/// The <see cref="IRemoteTransport"/> of a host that registered none: the SDK's services still resolve (a host may
/// build its container before it chooses a transport, or only read state), and the first request to a peer fails with
/// an <see cref="SharedChannelsErrorCode.InvalidState"/> exception that says what to register, instead of the
/// container's complaint about an internal type. Registered with <c>TryAddSingleton</c>, so <c>UseHttpTransport()</c>
/// or the host's own registration wins.
/// </summary>
internal sealed class UnregisteredTransport : IRemoteTransport
{
    /// <summary>The message of the exception every request fails with.</summary>
    internal const string Message =
        "No transport is registered, so this workspace cannot reach its peers: call UseHttpTransport() (package SharedChannels.Sdk.Http) on the shared channels builder, or register an IRemoteTransport.";

    /// <inheritdoc />
    public Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default) =>
        throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, Message);
}
