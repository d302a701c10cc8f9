namespace SharedChannels.Content;

/// <summary>A user's acknowledgement of a post that requested one. Removed when <see cref="AcknowledgedAt"/> is <see langword="null"/>.</summary>
public sealed record Acknowledgement
{
    /// <summary>Gets the acknowledging user.</summary>
    public required string UserId { get; init; }

    /// <summary>Gets the post acknowledged.</summary>
    public required string PostId { get; init; }

    /// <summary>Gets the channel of the post.</summary>
    public required string ChannelId { get; init; }

    /// <summary>Gets when the post was acknowledged; <see langword="null"/> when the acknowledgement was removed.</summary>
    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Gets the connection the acknowledgement came from, or <see langword="null"/> when it was made here.</summary>
    public string? RemoteId { get; init; }
}
