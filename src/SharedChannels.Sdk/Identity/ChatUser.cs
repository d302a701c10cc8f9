namespace SharedChannels.Identity;

/// <summary>
/// A user as workspaces exchange it. Remote users live here as local "shadow" users with the same id, a local
/// <see cref="Username"/> that is unique here, and the connection that owns them in <see cref="RemoteId"/>.
/// </summary>
public sealed record ChatUser
{
    /// <summary>Gets the user id (26 characters), kept on every workspace.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// Gets the username on this workspace. For a remote user the SDK chooses it: the Latin skeleton of the remote
    /// username in Mattermost's alphabet (<c>a-z 0-9 . - _ :</c>), renamed on collision (see docs/sync.md, Usernames).
    /// </summary>
    public required string Username { get; init; }

    /// <summary>Gets the first name.</summary>
    public string FirstName { get; init; } = string.Empty;

    /// <summary>Gets the last name.</summary>
    public string LastName { get; init; } = string.Empty;

    /// <summary>Gets the nickname.</summary>
    public string Nickname { get; init; } = string.Empty;

    /// <summary>Gets the position (job title).</summary>
    public string Position { get; init; } = string.Empty;

    /// <summary>Gets a value indicating whether the user is a bot.</summary>
    public bool IsBot { get; init; }

    /// <summary>Gets when the profile last changed.</summary>
    public DateTimeOffset UpdateAt { get; init; }

    /// <summary>
    /// Gets when the user's profile image last changed, or <see langword="null"/> when the host does not track it (then
    /// the image of a local user is never sent to peers). Mattermost's <c>LastPictureUpdate</c>.
    /// </summary>
    public DateTimeOffset? LastPictureUpdate { get; init; }

    /// <summary>Gets when the user was deactivated, if they were.</summary>
    public DateTimeOffset? DeleteAt { get; init; }

    /// <summary>Gets the connection that owns this user, or <see langword="null"/> for a user of this workspace.</summary>
    public string? RemoteId { get; init; }

    /// <summary>
    /// Gets the username on the user's own workspace (for remote users), as spelled there but without invisible, bidi
    /// or control characters; <see langword="null"/> when nothing visible was left. Render it as untrusted text.
    /// </summary>
    public string? RemoteUsername { get; init; }

    /// <summary>Gets the connection id of the workspace the user first came from, kept across hops.</summary>
    public string? OriginalRemoteId { get; init; }

    /// <summary>Gets a value indicating whether the user belongs to another workspace.</summary>
    public bool IsRemote => RemoteId is not null;
}
