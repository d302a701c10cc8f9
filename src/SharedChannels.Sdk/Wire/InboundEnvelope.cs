namespace SharedChannels.Wire;

/// <summary>
/// A frame read from a request body (<see cref="WireFormat.ReadFrame(ReadOnlyMemory{byte})"/>): the envelope's fields
/// and the payload as the bytes of the body it was read from, not copied and not parsed yet.
/// </summary>
/// <param name="RemoteId">The frame's <c>remote_id</c>, or <see langword="null"/> when absent or null.</param>
/// <param name="HasMessage">Whether the frame has a <c>msg</c> object.</param>
/// <param name="Id">The frame's <c>msg.id</c>, or <see langword="null"/>.</param>
/// <param name="Topic">The frame's <c>msg.topic</c>, or <see langword="null"/>.</param>
/// <param name="CreateAt">The frame's <c>msg.create_at</c>, 0 when absent.</param>
/// <param name="Payload">The JSON of <c>msg.payload</c> (a slice of the body), empty when absent or <c>null</c>.</param>
internal sealed record InboundEnvelope(string? RemoteId, bool HasMessage, string? Id, string? Topic, long CreateAt, ReadOnlyMemory<byte> Payload);
