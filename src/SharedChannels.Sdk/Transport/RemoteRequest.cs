namespace SharedChannels.Transport;

/// <summary>
/// One request between two workspaces, at the level a transport moves it: endpoint, credentials and the
/// serialized body. The SDK builds the body; a transport never needs to understand it.
/// </summary>
public sealed class RemoteRequest
{
    /// <summary>Gets the endpoint the request is for.</summary>
    public required RemoteEndpoint Endpoint { get; init; }

    /// <summary>Gets the connection id the sender claims (header <c>X-RemoteCluster-Id</c>).</summary>
    public string? RemoteId { get; init; }

    /// <summary>Gets the token the sender presents (header <c>X-RemoteCluster-Token</c>). Secret: never log it.</summary>
    public string? Token { get; init; }

    /// <summary>Gets the upload id, for <see cref="RemoteEndpoint.Upload"/>.</summary>
    public string? UploadId { get; init; }

    /// <summary>Gets the user whose image it is, for <see cref="RemoteEndpoint.ProfileImage"/>.</summary>
    public string? UserId { get; init; }

    /// <summary>Gets the serialized body (JSON for every endpoint but uploads and profile images, which carry raw bytes).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Gets the frame signature sent between two SDK hosts, if any (see docs/security.md).</summary>
    public string? Signature { get; init; }

    /// <summary>Gets the signature timestamp (Unix milliseconds) sent with <see cref="Signature"/>.</summary>
    public long? SignatureTimestamp { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Endpoint} from {RemoteId} ({Body.Length} bytes)";
}
