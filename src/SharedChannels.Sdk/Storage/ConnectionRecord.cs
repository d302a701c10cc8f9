using System.Text;

namespace SharedChannels.Storage;

/// <summary>
/// The stored form of a secure connection, as an <see cref="IConnectionStore"/> persists it. Holds the
/// connection's secrets: <see cref="ToString"/> redacts them, and the public status model
/// (<see cref="Connections.RemoteConnection"/>) never carries them.
/// </summary>
public sealed record ConnectionRecord
{
    /// <summary>Gets the connection id (Mattermost's <c>RemoteId</c>), the same on both sides.</summary>
    public required string RemoteId { get; init; }

    /// <summary>Gets the unique lower-case name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the display name (the peer's organization name).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets the peer's site URL, or <see langword="null"/> while an invitation we created is pending.</summary>
    public string? SiteUrl { get; init; }

    /// <summary>Gets the local team channels shared by the peer are created in.</summary>
    public string DefaultTeamId { get; init; } = string.Empty;

    /// <summary>Gets the local user who created or accepted the connection.</summary>
    public required string CreatorId { get; init; }

    /// <summary>Gets when the connection was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the latest invitation for this connection was generated (UTC); expiry counts from here.</summary>
    public required DateTimeOffset InvitationGeneratedAt { get; init; }

    /// <summary>Gets a value indicating whether this side created the invitation (as opposed to accepting one).</summary>
    public bool IsInviter { get; init; }

    /// <summary>Gets a value indicating whether the invitation has been accepted and confirmed.</summary>
    public bool InvitationAccepted { get; init; }

    /// <summary>Gets when the last successful outbound ping completed (UTC).</summary>
    public DateTimeOffset? LastPingAt { get; init; }

    /// <summary>Gets when the connection was deleted (UTC); deleted connections are kept (soft delete).</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>Gets the secret the peer must present to us. Secret: never log it.</summary>
    public required string Token { get; init; }

    /// <summary>Gets the secret we present to the peer, or <see langword="null"/> before confirmation. Secret: never log it.</summary>
    public string? RemoteToken { get; init; }

    /// <summary>Gets a value indicating whether the peer announced support for signed frames during confirmation.</summary>
    public bool PeerSupportsSignedFrames { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("RemoteId = ").Append(RemoteId)
            .Append(", Name = ").Append(Name)
            .Append(", SiteUrl = ").Append(SiteUrl)
            .Append(", InvitationAccepted = ").Append(InvitationAccepted)
            .Append(", DeletedAt = ").Append(DeletedAt)
            .Append(", Token = ***, RemoteToken = ***");
        return true;
    }
}
