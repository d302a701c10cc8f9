namespace SharedChannels.Content;

/// <summary>A file attached to a post, as workspaces exchange it (the bytes travel separately).</summary>
public sealed record FileAttachment
{
    /// <summary>Gets the file id (26 characters), kept on every workspace.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the channel of the post the file is attached to.</summary>
    public required string ChannelId { get; init; }

    /// <summary>Gets the user who uploaded the file.</summary>
    public required string UserId { get; init; }

    /// <summary>Gets the file name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the MIME type.</summary>
    public string MimeType { get; init; } = "application/octet-stream";

    /// <summary>Gets when the file was uploaded.</summary>
    public DateTimeOffset CreateAt { get; init; }

    /// <summary>Gets the connection the file came from, or <see langword="null"/> when it was uploaded here.</summary>
    public string? RemoteId { get; init; }
}
