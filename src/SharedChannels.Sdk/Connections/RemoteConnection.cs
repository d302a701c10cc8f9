namespace SharedChannels.Connections;

/// <summary>
/// The status of a secure connection to another workspace: what an administrator sees. It never carries the
/// connection's tokens.
/// </summary>
public sealed record RemoteConnection
{
    /// <summary>Gets the connection id (Mattermost's remote id), the same on both workspaces.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the unique lower-case name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the display name (the peer's organization name).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets the peer's site URL; <see langword="null"/> while an invitation created here is pending.</summary>
    public string? SiteUrl { get; init; }

    /// <summary>Gets the local team that channels shared by the peer are created in.</summary>
    public required string DefaultTeamId { get; init; }

    /// <summary>Gets the local user who created or accepted the connection.</summary>
    public required string CreatorId { get; init; }

    /// <summary>Gets when the connection was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets a value indicating whether the invitation has been accepted and confirmed.</summary>
    public required bool InvitationAccepted { get; init; }

    /// <summary>Gets a value indicating whether the peer answered an outbound ping recently enough to be online.</summary>
    public required bool IsOnline { get; init; }

    /// <summary>Gets when the last successful outbound ping completed (UTC).</summary>
    public DateTimeOffset? LastPingAt { get; init; }

    /// <summary>Gets when the connection was deleted (UTC).</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>Gets a value indicating whether the connection was deleted.</summary>
    public bool IsDeleted => DeletedAt is not null;

    /// <summary>Gets the state derived from the fields above at the time this status was read.</summary>
    public required ConnectionState State { get; init; }
}
