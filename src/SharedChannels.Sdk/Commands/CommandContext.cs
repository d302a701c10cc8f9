namespace SharedChannels.Commands;

/// <summary>Where a slash command was typed: the host passes what its chat client sends with the command.</summary>
public sealed record CommandContext
{
    /// <summary>
    /// Gets the channel the command was typed in: the channel <c>/share-channel</c> shares, unshares or reports
    /// on. <see langword="null"/> when there is none; <c>/share-channel</c> then answers that it needs one.
    /// </summary>
    public string? ChannelId { get; init; }

    /// <summary>
    /// Gets the team the command was typed in: the destination team of a connection created or accepted with
    /// <c>/secure-connection</c> (where channels the other workspace shares are added).
    /// </summary>
    public string? TeamId { get; init; }
}
