namespace SharedChannels.Connections;

/// <summary>What to accept an invitation with (<c>/secure-connection accept</c>).</summary>
public sealed record AcceptInvitationRequest
{
    /// <summary>Gets the local name of the connection: 1–64 characters of <c>a-z A-Z 0-9 . _ -</c>, stored lower-case, unique.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the display name (the inviting organization's name); defaults to <see cref="Name"/>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the local team that channels shared by the peer are created in.</summary>
    public string? DefaultTeamId { get; init; }

    /// <summary>Gets the invitation code, as received. Secret.</summary>
    public required string InvitationCode { get; init; }

    /// <summary>Gets the password the inviter sent separately. Secret.</summary>
    public required string Password { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"AcceptInvitationRequest {{ Name = {Name}, DisplayName = {DisplayName}, DefaultTeamId = {DefaultTeamId}, InvitationCode = ***, Password = *** }}";
}
