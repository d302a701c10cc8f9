namespace SharedChannels.Content;

/// <summary>An emoji reaction on a post. A removed reaction travels with <see cref="DeleteAt"/> set.</summary>
public sealed record Reaction
{
    /// <summary>Gets the reacting user.</summary>
    public required string UserId { get; init; }

    /// <summary>Gets the post reacted to.</summary>
    public required string PostId { get; init; }

    /// <summary>Gets the channel of the post.</summary>
    public required string ChannelId { get; init; }

    /// <summary>
    /// Gets the emoji name, verbatim (a receiver without that custom emoji keeps the reaction; see <see cref="EmojiFallback"/>).
    /// A peer's reaction is accepted only with a name in Mattermost's emoji alphabet: 1 to 64 ASCII letters, digits, <c>-</c>, <c>+</c> or <c>_</c>.
    /// </summary>
    public required string EmojiName { get; init; }

    /// <summary>Gets when the reaction was added.</summary>
    public required DateTimeOffset CreateAt { get; init; }

    /// <summary>Gets when the reaction last changed.</summary>
    public required DateTimeOffset UpdateAt { get; init; }

    /// <summary>Gets when the reaction was removed, if it was.</summary>
    public DateTimeOffset? DeleteAt { get; init; }

    /// <summary>Gets the connection the reaction came from, or <see langword="null"/> when it was made here.</summary>
    public string? RemoteId { get; init; }

    /// <summary>Gets a value indicating whether the reaction was removed.</summary>
    public bool IsDeleted => DeleteAt is not null;
}
