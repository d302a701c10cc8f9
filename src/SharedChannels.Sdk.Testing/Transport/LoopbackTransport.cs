using SharedChannels.Transport;

namespace SharedChannels.Testing;

/// <summary>An <see cref="IRemoteTransport"/> that sends over a <see cref="LoopbackNetwork"/>.</summary>
public sealed class LoopbackTransport : IRemoteTransport
{
    private readonly LoopbackNetwork _network;

    /// <summary>Creates a transport on <paramref name="network"/>.</summary>
    /// <param name="network">The network to send over.</param>
    public LoopbackTransport(LoopbackNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
    }

    /// <inheritdoc />
    public Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(siteUrl);
        ArgumentNullException.ThrowIfNull(request);
        return _network.DeliverAsync(siteUrl, request, cancellationToken);
    }
}
