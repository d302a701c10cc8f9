using System.Collections.Concurrent;
using SharedChannels.Transport;

namespace SharedChannels.Testing;

/// <summary>
/// An in-process network connecting several SDK instances by site URL, for tests and demos. Requests cross it
/// as serialized bytes and enter the receiver through its <see cref="RemoteFrameDispatcher"/>, exactly as they
/// would over HTTP. Sites can be taken off the network to simulate outages.
/// </summary>
public sealed class LoopbackNetwork
{
    private readonly ConcurrentDictionary<string, Func<RemoteRequest, CancellationToken, Task<RemoteResponse>>> _sites = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Attaches a workspace at <paramref name="siteUrl"/>; requests to that URL go to the dispatcher.</summary>
    /// <param name="siteUrl">The workspace's site URL.</param>
    /// <param name="dispatcher">Returns the workspace's dispatcher (resolved lazily).</param>
    public void Attach(string siteUrl, Func<RemoteFrameDispatcher> dispatcher)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siteUrl);
        ArgumentNullException.ThrowIfNull(dispatcher);
        _sites[Key(siteUrl)] = (request, cancellationToken) => dispatcher().DispatchAsync(request, cancellationToken);
    }

    /// <summary>
    /// Attaches a receiver at <paramref name="siteUrl"/> whose requests <paramref name="handler"/> answers instead of an
    /// SDK's dispatcher: for tests of what crosses the network (e.g. <see cref="RemoteTransportContractTests{TTransport}"/>).
    /// </summary>
    /// <param name="siteUrl">The receiver's site URL.</param>
    /// <param name="handler">Answers each request, given the sender's cancellation token.</param>
    public void Attach(string siteUrl, Func<RemoteRequest, CancellationToken, Task<RemoteResponse>> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siteUrl);
        ArgumentNullException.ThrowIfNull(handler);
        _sites[Key(siteUrl)] = handler;
    }

    /// <summary>Detaches the workspace at <paramref name="siteUrl"/>, as if it had shut down.</summary>
    /// <param name="siteUrl">The workspace's site URL.</param>
    public void Detach(string siteUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siteUrl);
        _sites.TryRemove(Key(siteUrl), out _);
    }

    /// <summary>Makes the workspace at <paramref name="siteUrl"/> unreachable (or reachable again) without detaching it.</summary>
    /// <param name="siteUrl">The workspace's site URL.</param>
    /// <param name="reachable">Whether requests to it are delivered.</param>
    public void SetReachable(string siteUrl, bool reachable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siteUrl);
        if (reachable)
        {
            _unreachable.TryRemove(Key(siteUrl), out _);
        }
        else
        {
            _unreachable[Key(siteUrl)] = true;
        }
    }

    internal async Task<RemoteResponse> DeliverAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string key = Key(siteUrl.ToString());
        if (_unreachable.ContainsKey(key) || !_sites.TryGetValue(key, out Func<RemoteRequest, CancellationToken, Task<RemoteResponse>>? handler))
        {
            throw new HttpRequestException($"No workspace is reachable at {siteUrl} on the loopback network.");
        }

        // Copy the bytes: the receiver must not share memory with the sender, as over a real wire.
        var copy = new RemoteRequest
        {
            Endpoint = request.Endpoint,
            RemoteId = request.RemoteId,
            Token = request.Token,
            UploadId = request.UploadId,
            UserId = request.UserId,
            Body = request.Body.ToArray(),
            Signature = request.Signature,
            SignatureTimestamp = request.SignatureTimestamp,
        };

        // The sender stops waiting when cancelled, whether or not the receiver notices (as a client closing its connection).
        RemoteResponse response = await handler(copy, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        var delivered = new RemoteResponse(response.StatusCode, response.Body.ToArray());
        response.MarkSent();
        return delivered;
    }

    private static string Key(string siteUrl) => siteUrl.Trim().TrimEnd('/');
}
