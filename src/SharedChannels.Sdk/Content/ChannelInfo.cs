namespace SharedChannels.Content;

/// <summary>What a workspace needs to know to create a shared channel: the same id on every workspace.</summary>
public sealed record ChannelInfo
{
    /// <summary>Gets the channel id (26 characters), kept on every workspace.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the team the channel belongs to on the workspace that describes it.</summary>
    public string TeamId { get; init; } = string.Empty;

    /// <summary>Gets the URL name of the channel.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the display name.</summary>
    public string DisplayName { get; init; } = string.Empty;

    /// <summary>Gets the header.</summary>
    public string Header { get; init; } = string.Empty;

    /// <summary>Gets the purpose.</summary>
    public string Purpose { get; init; } = string.Empty;

    /// <summary>Gets the kind of channel.</summary>
    public ChannelType Type { get; init; }

    /// <summary>Gets the user who created the channel.</summary>
    public string CreatorId { get; init; } = string.Empty;
}
