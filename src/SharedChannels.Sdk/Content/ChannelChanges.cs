namespace SharedChannels.Content;

/// <summary>
/// One page of a channel's changes after a cursor, as the host reads them (<see cref="IChannelContent.ReadChangesAsync"/>).
/// Everything in it, and everything before it, is covered by <see cref="NextCursor"/>.
/// </summary>
public sealed record ChannelChanges
{
    /// <summary>Gets posts created, edited or deleted, in the host's order.</summary>
    public IReadOnlyList<Post> Posts { get; init; } = [];

    /// <summary>Gets reactions added or removed.</summary>
    public IReadOnlyList<Reaction> Reactions { get; init; } = [];

    /// <summary>Gets acknowledgements added or removed.</summary>
    public IReadOnlyList<Acknowledgement> Acknowledgements { get; init; } = [];

    /// <summary>Gets users joining or leaving.</summary>
    public IReadOnlyList<MembershipChange> MembershipChanges { get; init; } = [];

    /// <summary>Gets the cursor after this page: pass it to read on. Opaque to the SDK.</summary>
    public required string NextCursor { get; init; }

    /// <summary>Gets a value indicating whether more changes follow after <see cref="NextCursor"/>.</summary>
    public bool HasMore { get; init; }

    /// <summary>Gets a value indicating whether the page holds no change at all.</summary>
    public bool IsEmpty => Posts.Count == 0 && Reactions.Count == 0 && Acknowledgements.Count == 0 && MembershipChanges.Count == 0;
}
