namespace SharedChannels.Sharing;

/// <summary>One line of a shared channel's status (<c>/share-channel status</c>): a workspace it is shared with.</summary>
public sealed record ChannelShareStatus
{
    /// <summary>Gets the connection.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>Gets the connection's display name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets the peer's site URL.</summary>
    public string? SiteUrl { get; init; }

    /// <summary>Gets a value indicating whether the channel is read-only for the other side (or, for a channel received from it, for this side).</summary>
    public required bool ReadOnly { get; init; }

    /// <summary>Gets a value indicating whether this side is the channel's home.</summary>
    public required bool IsHome { get; init; }

    /// <summary>Gets a value indicating whether the channel invitation has reached the peer.</summary>
    public required bool InvitationAccepted { get; init; }

    /// <summary>Gets a value indicating whether the peer is online.</summary>
    public required bool IsOnline { get; init; }

    /// <summary>Gets when the peer last acknowledged changes of this channel.</summary>
    public DateTimeOffset? LastSyncAt { get; init; }
}
