namespace SharedChannels.Transport;

/// <summary>A peer's answer to a <see cref="RemoteRequest"/>: an HTTP-style status code and the serialized body.</summary>
/// <param name="StatusCode">The status code (200 on success; 400, 401, 413, … on refusal).</param>
/// <param name="Body">The reply body, usually JSON.</param>
public sealed record RemoteResponse(int StatusCode, ReadOnlyMemory<byte> Body)
{
    /// <summary>Gets a value indicating whether the status code is a success (2xx).</summary>
    public bool IsSuccessStatusCode => StatusCode is >= 200 and < 300;

    /// <summary>Gets what to run once the answer has been written to the peer; set by the dispatcher.</summary>
    internal Action? AfterSent { get; init; }

    /// <summary>
    /// Tells the SDK that this answer, returned by <see cref="RemoteFrameDispatcher.DispatchAsync"/>, has been written to
    /// the peer. A transport calls it once the answer is on its way (the HTTP endpoints: when the response has
    /// completed). Some work waits for it: after accepting a channel invitation, nothing is sent in that channel until
    /// the peer has the answer, because Mattermost records the share only when the answer arrives. A transport that
    /// never calls it delays that work by a few seconds. Calling it more than once, or on a response the dispatcher did
    /// not return, does nothing.
    /// </summary>
    public void MarkSent() => AfterSent?.Invoke();
}
