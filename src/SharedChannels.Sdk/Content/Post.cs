using System.Text;

namespace SharedChannels.Content;

/// <summary>
/// The state of one post, as it travels between workspaces. Posts are upserted by id: a newer
/// <see cref="UpdateAt"/> replaces an older one, and a delete is final.
/// </summary>
public sealed record Post
{
    /// <summary>Gets the post id (26 characters), kept on every workspace.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the channel the post is in.</summary>
    public required string ChannelId { get; init; }

    /// <summary>Gets the author.</summary>
    public required string UserId { get; init; }

    /// <summary>Gets the thread root's id, or <see cref="string.Empty"/> for a root post.</summary>
    public string RootId { get; init; } = string.Empty;

    /// <summary>Gets the text. Content: never logged.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>Gets the post type (<see cref="string.Empty"/> for a normal post; <c>system_*</c> for system messages).</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>Gets when the post was created.</summary>
    public required DateTimeOffset CreateAt { get; init; }

    /// <summary>Gets when the post last changed (creation, edit, pin, delete).</summary>
    public required DateTimeOffset UpdateAt { get; init; }

    /// <summary>Gets when the message was last edited, if ever.</summary>
    public DateTimeOffset? EditAt { get; init; }

    /// <summary>Gets when the post was deleted, if it was.</summary>
    public DateTimeOffset? DeleteAt { get; init; }

    /// <summary>Gets a value indicating whether the post is pinned.</summary>
    public bool IsPinned { get; init; }

    /// <summary>Gets the ids of the files attached to the post.</summary>
    public IReadOnlyList<string> FileIds { get; init; } = [];

    /// <summary>
    /// Gets the connection the post came from, or <see langword="null"/> when it was written on this workspace.
    /// The SDK uses it to never send a post back where it came from.
    /// </summary>
    public string? RemoteId { get; init; }

    /// <summary>Gets a value indicating whether the post is deleted.</summary>
    public bool IsDeleted => DeleteAt is not null;

    /// <summary>Gets a value indicating whether the post is a reply in a thread.</summary>
    public bool IsReply => RootId.Length > 0;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", ChannelId = ").Append(ChannelId).Append(", UserId = ").Append(UserId)
            .Append(", RootId = ").Append(RootId).Append(", UpdateAt = ").Append(UpdateAt).Append(", DeleteAt = ").Append(DeleteAt)
            .Append(", RemoteId = ").Append(RemoteId).Append(", Message = ***");
        return true;
    }
}
