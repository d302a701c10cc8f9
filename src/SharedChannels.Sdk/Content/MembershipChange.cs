namespace SharedChannels.Content;

/// <summary>A user joining or leaving a shared channel.</summary>
public sealed record MembershipChange
{
    /// <summary>Gets the channel.</summary>
    public required string ChannelId { get; init; }

    /// <summary>Gets the user.</summary>
    public required string UserId { get; init; }

    /// <summary>Gets a value indicating whether the user joined (<see langword="true"/>) or left.</summary>
    public required bool IsAdd { get; init; }

    /// <summary>Gets when the change happened.</summary>
    public required DateTimeOffset ChangeTime { get; init; }

    /// <summary>Gets the connection the change came from, or <see langword="null"/> when it happened here.</summary>
    public string? RemoteId { get; init; }
}
