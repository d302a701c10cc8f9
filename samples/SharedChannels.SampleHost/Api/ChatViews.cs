namespace SharedChannels.Samples.Api;

// What the sample's JSON API answers. Kept together: they are plain data.

/// <summary>A user, local or from another workspace.</summary>
/// <param name="Id">The id, the same on every workspace.</param>
/// <param name="Username">The username here (<c>john:chat-a</c> for a remote <c>john</c> when this workspace has one).</param>
/// <param name="IsAdmin">Whether the user is a local system admin.</param>
/// <param name="IsRemote">Whether the user belongs to another workspace.</param>
public sealed record UserView(string Id, string Username, bool IsAdmin, bool IsRemote);

/// <summary>A channel.</summary>
/// <param name="Id">The id, the same on every workspace it is shared with.</param>
/// <param name="Name">The URL name.</param>
/// <param name="DisplayName">The display name.</param>
public sealed record ChannelView(string Id, string Name, string DisplayName);

/// <summary>A post as a chat client shows it: deleted posts are gone, authors have their local username.</summary>
/// <param name="Id">The id, the same on every workspace.</param>
/// <param name="ChannelId">The channel.</param>
/// <param name="RootId">The thread root, or empty for a root post.</param>
/// <param name="UserId">The author.</param>
/// <param name="Username">The author's username here (<c>system</c> for system messages).</param>
/// <param name="Message">The text.</param>
/// <param name="Type">Empty for a normal post, <c>system_shared_channels</c> for the SDK's notices.</param>
/// <param name="CreateAt">When it was posted.</param>
/// <param name="EditAt">When it was last edited, if ever.</param>
/// <param name="Reactions">The reactions, one entry per emoji.</param>
/// <param name="Files">The attached files this workspace has (a file a peer refused or has not sent yet is left out).</param>
public sealed record PostView(
    string Id,
    string ChannelId,
    string RootId,
    string UserId,
    string Username,
    string Message,
    string Type,
    DateTimeOffset CreateAt,
    DateTimeOffset? EditAt,
    IReadOnlyList<ReactionView> Reactions,
    IReadOnlyList<FileView> Files);

/// <summary>A file attached to a post; download it from <c>GET /api/files/{id}</c>.</summary>
/// <param name="Id">The id, the same on every workspace.</param>
/// <param name="Name">The name to show (as the uploader gave it, sanitized when it came from a peer); not a path.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="MimeType">The MIME type.</param>
/// <param name="IsRemote">Whether the file came from another workspace.</param>
public sealed record FileView(string Id, string Name, long Size, string MimeType, bool IsRemote);

/// <summary>The reactions with one emoji on a post.</summary>
/// <param name="EmojiName">The emoji name, as the reacting workspace sent it.</param>
/// <param name="FallbackText">
/// <see langword="null"/> when this workspace has the emoji (show its image); otherwise the text to show instead,
/// <c>:name:</c> (from the SDK's <c>EmojiFallback</c>).
/// </param>
/// <param name="Usernames">Who reacted, by local username.</param>
public sealed record ReactionView(string EmojiName, string? FallbackText, IReadOnlyList<string> Usernames);

/// <summary>A new secure connection and its invitation: send the code and the password by two different channels.</summary>
/// <param name="ConnectionId">The connection id, the same on both workspaces.</param>
/// <param name="InvitationCode">The encrypted invitation code.</param>
/// <param name="Password">The password that opens it.</param>
public sealed record InvitationView(string ConnectionId, string InvitationCode, string Password);

/// <summary>A secure connection.</summary>
/// <param name="Id">The connection id, the same on both workspaces.</param>
/// <param name="Name">The other workspace's name here.</param>
/// <param name="SiteUrl">The other workspace's URL, once known.</param>
/// <param name="State">Pending, Connected, Offline or Deleted.</param>
public sealed record ConnectionView(string Id, string Name, string? SiteUrl, string State);

/// <summary>A channel shared with a connection.</summary>
/// <param name="ChannelId">The channel.</param>
/// <param name="ConnectionId">The connection.</param>
/// <param name="ReadOnly">Whether the other workspace may only read.</param>
/// <param name="InvitationAccepted">Whether the other workspace has the channel (otherwise it is sent when it is back).</param>
public sealed record SharedChannelView(string ChannelId, string ConnectionId, bool ReadOnly, bool InvitationAccepted);
