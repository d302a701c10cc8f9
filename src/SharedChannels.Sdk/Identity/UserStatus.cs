namespace SharedChannels.Identity;

/// <summary>A user's presence.</summary>
public sealed record UserStatus
{
    /// <summary>Gets the user.</summary>
    public required string UserId { get; init; }

    /// <summary>Gets the status: <c>online</c>, <c>away</c>, <c>dnd</c>, <c>offline</c>, or <c>ooo</c> (out of office, as Mattermost sets it for a user with an automatic reply).</summary>
    public required string Status { get; init; }

    /// <summary>Gets a value indicating whether the user set the status by hand.</summary>
    public bool Manual { get; init; }

    /// <summary>Gets when the user was last active.</summary>
    public DateTimeOffset LastActivityAt { get; init; }

    /// <summary>Gets when "do not disturb" ends, if set.</summary>
    public DateTimeOffset? DndEndTime { get; init; }
}
