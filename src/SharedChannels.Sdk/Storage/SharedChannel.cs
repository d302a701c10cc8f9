using SharedChannels.Content;

namespace SharedChannels.Storage;

/// <summary>A channel shared with other workspaces, as this workspace records it.</summary>
public sealed record SharedChannel
{
    /// <summary>Gets the channel id, the same on every workspace.</summary>
    public required string ChannelId { get; init; }

    /// <summary>Gets the local team of the channel.</summary>
    public string TeamId { get; init; } = string.Empty;

    /// <summary>Gets the channel's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the channel's display name.</summary>
    public string DisplayName { get; init; } = string.Empty;

    /// <summary>Gets the kind of channel.</summary>
    public ChannelType Type { get; init; }

    /// <summary>Gets the connection of the channel's home workspace, or <see langword="null"/> when this workspace is the home.</summary>
    public string? HomeConnectionId { get; init; }

    /// <summary>Gets a value indicating whether this workspace may only read the channel (set by its home).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Gets the user who shared the channel (at the home) or the connection's creator (elsewhere).</summary>
    public string CreatorId { get; init; } = string.Empty;

    /// <summary>Gets when the channel was shared, or received.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets a value indicating whether this workspace is the channel's home.</summary>
    public bool IsHome => HomeConnectionId is null;
}
