using SharedChannels.Storage;

namespace SharedChannels.Transport.Internal;

/// <summary>An authenticated, validated frame from a peer.</summary>
/// <param name="Connection">The connection the frame was authenticated as.</param>
/// <param name="Endpoint">The endpoint it arrived on.</param>
/// <param name="MessageId">The frame's <c>msg.id</c>.</param>
/// <param name="Topic">The frame's topic.</param>
/// <param name="CreateAt">The frame's <c>create_at</c> (Unix ms, sender's clock).</param>
/// <param name="Payload">The JSON of the frame's payload: a slice of the request body, valid while the frame is handled.</param>
internal sealed record InboundFrame(ConnectionRecord Connection, RemoteEndpoint Endpoint, string MessageId, string Topic, long CreateAt, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Gets the signal that the answer to this frame has been written to the peer.</summary>
    public ReplySignal Reply { get; } = new();
}
