using System.Text;

namespace SharedChannels.Invitations;

/// <summary>
/// An invitation to connect two workspaces: who is inviting, where they can be reached and the secret
/// that proves the invited side was given the invitation. Seal it with
/// <see cref="InvitationCodec.Encrypt(Invitation, string)"/> before handing it to a person.
/// </summary>
/// <remarks>
/// <see cref="Token"/> and <see cref="RefreshedToken"/> are secrets. <see cref="ToString"/> redacts them, so
/// an invitation can be logged safely; never log the properties themselves.
/// </remarks>
public sealed record Invitation
{
    private const string Redacted = "***";

    /// <summary>Gets the id of the connection, which both workspaces store.</summary>
    public required string RemoteId { get; init; }

    /// <summary>Gets the absolute http(s) URL at which the inviting workspace can be reached.</summary>
    public required string SiteUrl { get; init; }

    /// <summary>Gets the secret the invited workspace presents when it accepts the invitation.</summary>
    public required string Token { get; init; }

    /// <summary>
    /// Gets the replacement secret offered by the inviting workspace, or <see langword="null"/> when there is none.
    /// </summary>
    public string? RefreshedToken { get; init; }

    /// <summary>
    /// Gets the team id of the inviting workspace. Deprecated by Mattermost and usually empty; kept because
    /// it is always present on the wire.
    /// </summary>
    public string RemoteTeamId { get; init; } = string.Empty;

    /// <summary>
    /// Gets the invitation format version. Version 3 and later codes are sealed with a PBKDF2-derived key,
    /// older ones with an scrypt-derived key. Defaults to 3, the version current Mattermost servers create.
    /// </summary>
    public int Version { get; init; } = 3;

    // Replaces the compiler-generated member list so the secrets never reach logs through ToString().
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("RemoteId = ").Append(RemoteId)
            .Append(", SiteUrl = ").Append(SiteUrl)
            .Append(", Token = ").Append(Redacted)
            .Append(", RefreshedToken = ").Append(string.IsNullOrEmpty(RefreshedToken) ? string.Empty : Redacted)
            .Append(", RemoteTeamId = ").Append(RemoteTeamId)
            .Append(", Version = ").Append(Version);
        return true;
    }
}
