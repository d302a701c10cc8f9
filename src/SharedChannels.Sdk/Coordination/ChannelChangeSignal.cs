namespace SharedChannels.Coordination;

/// <summary>A channel changed on one node; the nodes owning its connections send the change.</summary>
/// <param name="NodeId">The node where the change was reported; it has routed the change to its own workers already.</param>
/// <param name="ChannelId">The channel that changed.</param>
/// <param name="ExceptConnectionId">
/// The connection the change came from (a change relayed from a peer), which must not get it back; otherwise
/// <see langword="null"/>.
/// </param>
public sealed record ChannelChangeSignal(string NodeId, string ChannelId, string? ExceptConnectionId);
