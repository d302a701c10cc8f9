namespace SharedChannels.Connections;

/// <summary>Changes to a connection's editable fields; <see langword="null"/> leaves a field as it is.</summary>
public sealed record UpdateConnectionRequest
{
    /// <summary>Gets the new display name (organization name).</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the new destination team for channels the peer shares.</summary>
    public string? DefaultTeamId { get; init; }
}
