namespace SharedChannels.Transport;

/// <summary>A peer's answer to a <see cref="RemoteRequest"/>: an HTTP-style status code and the serialized body.</summary>
/// <param name="StatusCode">The status code (200 on success; 400, 401, 413, … on refusal).</param>
/// <param name="Body">The reply body, usually JSON.</param>
public sealed record RemoteResponse(int StatusCode, ReadOnlyMemory<byte> Body)
{
    /// <summary>Gets a value indicating whether the status code is a success (2xx).</summary>
    public bool IsSuccessStatusCode => StatusCode is >= 200 and < 300;
}
