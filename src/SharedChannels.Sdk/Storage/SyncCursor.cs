namespace SharedChannels.Storage;

/// <summary>How far a channel has been sent to one connection: the host's cursor, acknowledged by the peer.</summary>
/// <param name="ChannelId">The channel.</param>
/// <param name="ConnectionId">The connection.</param>
/// <param name="Cursor">The host's opaque cursor after the last change the peer acknowledged.</param>
/// <param name="SyncedAt">When the peer acknowledged it.</param>
public sealed record SyncCursor(string ChannelId, string ConnectionId, string Cursor, DateTimeOffset SyncedAt);
