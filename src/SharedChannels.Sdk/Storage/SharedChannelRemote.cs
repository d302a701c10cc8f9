namespace SharedChannels.Storage;

/// <summary>A connection a channel homed here is shared with.</summary>
public sealed record SharedChannelRemote
{
    /// <summary>Gets the channel.</summary>
    public required string ChannelId { get; init; }

    /// <summary>Gets the connection.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>Gets a value indicating whether the remote workspace may only read the channel.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Gets a value indicating whether the remote workspace has received the channel invitation.</summary>
    public bool InvitationAccepted { get; init; }

    /// <summary>Gets the user who invited the connection.</summary>
    public string CreatorId { get; init; } = string.Empty;

    /// <summary>Gets when the connection was invited.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
