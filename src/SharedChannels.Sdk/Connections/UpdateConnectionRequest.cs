namespace SharedChannels.Connections;

/// <summary>Changes to a connection's editable fields; <see langword="null"/> leaves a field as it is.</summary>
public sealed record UpdateConnectionRequest
{
    /// <summary>Gets the new display name (organization name).</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the new destination team for channels the peer shares.</summary>
    public string? DefaultTeamId { get; init; }

    /// <summary>
    /// Gets the peer's new site URL (absolute http or https; a trailing <c>/</c> is dropped), for a peer that moved
    /// to another host name or port. Only for a confirmed connection: a pending invitation has no peer URL yet.
    /// The connection's next request goes to this URL.
    /// </summary>
    public string? SiteUrl { get; init; }
}
