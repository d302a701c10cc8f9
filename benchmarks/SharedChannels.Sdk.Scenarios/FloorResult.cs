namespace SharedChannels.Scenarios;

/// <summary>What the floor measured: the catch-up's own request bodies, posted one after the other to a server that only parses them.</summary>
/// <param name="Batches">The bodies posted.</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="Elapsed">The summed time of the requests (send, parse, answer).</param>
internal sealed record FloorResult(int Batches, long Bytes, TimeSpan Elapsed);
