namespace SharedChannels.Connections;

/// <summary>What to create a secure connection with (<c>/secure-connection create</c>).</summary>
public sealed record CreateConnectionRequest
{
    /// <summary>Gets the name: 1–64 characters of <c>a-z A-Z 0-9 . _ -</c>, stored lower-case, unique.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the display name (the peer's organization name); defaults to <see cref="Name"/>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the local team that channels shared by the peer are created in.</summary>
    public string? DefaultTeamId { get; init; }

    /// <summary>Gets the password that encrypts the invitation; when <see langword="null"/> a strong one is generated and returned once.</summary>
    public string? Password { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"CreateConnectionRequest {{ Name = {Name}, DisplayName = {DisplayName}, DefaultTeamId = {DefaultTeamId}, Password = *** }}";
}
