namespace SharedChannels.Samples.Api;

// The bodies of the sample's JSON API (camelCase on the wire). Kept together: each is one line.

/// <summary><c>POST /api/users</c>: a local user; admins may manage secure connections and shared channels.</summary>
/// <param name="Username">Lower-case letters, digits, '.', '-' or '_'.</param>
/// <param name="IsAdmin">Whether the user is a system admin.</param>
public sealed record CreateUserRequest(string Username, bool IsAdmin = false);

/// <summary><c>POST /api/emoji</c>: a custom emoji of this workspace.</summary>
/// <param name="Name">The emoji name, without colons.</param>
/// <param name="CreatorId">The local user adding it.</param>
public sealed record AddEmojiRequest(string Name, string CreatorId);

/// <summary><c>POST /api/channels</c>: a public channel; the creator joins it.</summary>
/// <param name="Name">The URL name.</param>
/// <param name="CreatorId">The local user creating it.</param>
/// <param name="DisplayName">The display name; the name when omitted.</param>
public sealed record CreateChannelRequest(string Name, string CreatorId, string? DisplayName = null);

/// <summary><c>POST /api/channels/{id}/posts</c>: a post, or a reply when <paramref name="RootId"/> is set.</summary>
/// <param name="UserId">The local author (joins the channel if needed).</param>
/// <param name="Message">The text.</param>
/// <param name="RootId">The thread's root post.</param>
/// <param name="FileIds">Files uploaded to the channel by the same user (<c>POST /api/channels/{id}/files</c>) and not attached yet.</param>
public sealed record CreatePostRequest(string UserId, string Message, string? RootId = null, IReadOnlyList<string>? FileIds = null);

/// <summary><c>PATCH /api/posts/{id}</c>: a new text.</summary>
/// <param name="Message">The text.</param>
public sealed record EditPostRequest(string Message);

/// <summary><c>POST /api/posts/{id}/reactions</c>: an emoji reaction.</summary>
/// <param name="UserId">The local user reacting.</param>
/// <param name="EmojiName">An emoji this workspace has, without colons.</param>
public sealed record AddReactionRequest(string UserId, string EmojiName);

/// <summary><c>POST /api/connections</c>: creates a secure connection and its invitation (admins only).</summary>
/// <param name="UserId">The acting local admin.</param>
/// <param name="Name">The name of the other workspace, as this workspace calls it (e.g. <c>chat-b</c>).</param>
/// <param name="Password">The invitation password; generated when omitted.</param>
public sealed record NewConnectionRequest(string UserId, string Name, string? Password = null);

/// <summary><c>POST /api/connections/accept</c>: accepts another workspace's invitation (admins only).</summary>
/// <param name="UserId">The acting local admin.</param>
/// <param name="Name">The name of the inviting workspace, as this workspace calls it (e.g. <c>chat-a</c>).</param>
/// <param name="InvitationCode">The code received.</param>
/// <param name="Password">The password, received by another channel than the code.</param>
public sealed record AcceptConnectionRequest(string UserId, string Name, string InvitationCode, string Password);

/// <summary>
/// <c>PATCH /api/connections/{id}</c>: changes a secure connection (admins only); <see langword="null"/> leaves a
/// field as it is.
/// </summary>
/// <param name="UserId">The acting local admin.</param>
/// <param name="DisplayName">The new display name.</param>
/// <param name="SiteUrl">The other workspace's new site URL, after it moved to another host name or port.</param>
public sealed record UpdateConnectionBody(string UserId, string? DisplayName = null, string? SiteUrl = null);

/// <summary><c>POST /api/channels/{id}/share</c>: shares a channel homed here with a connection (admins only).</summary>
/// <param name="UserId">The acting local admin.</param>
/// <param name="ConnectionId">The secure connection.</param>
/// <param name="ReadOnly">Whether the other workspace may only read.</param>
public sealed record ShareChannelRequest(string UserId, string ConnectionId, bool ReadOnly = false);
