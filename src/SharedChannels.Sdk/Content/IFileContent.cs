namespace SharedChannels.Content;

/// <summary>
/// Host port: the files attached to posts. The sender reads them to upload them with their posts; the receiver
/// stores them, within its own limits: <see cref="EnableFileAttachments"/> and <see cref="MaxFileSize"/>. A file
/// refused by the receiver is reported back to the sender (<c>SharedChannelSync.ItemRejected</c>); the post
/// still arrives.
/// </summary>
public interface IFileContent
{
    /// <summary>Gets a value indicating whether this workspace accepts files from peers.</summary>
    bool EnableFileAttachments { get; }

    /// <summary>Gets the largest file, in bytes, this workspace accepts from peers.</summary>
    long MaxFileSize { get; }

    /// <summary>Gets a file's description, or <see langword="null"/> when there is no such file here.</summary>
    /// <param name="fileId">The file.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The file's description.</returns>
    ValueTask<FileAttachment?> GetFileAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>Reads a file's bytes.</summary>
    /// <param name="fileId">The file.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The content.</returns>
    ValueTask<ReadOnlyMemory<byte>> ReadContentAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>Stores a file received from a peer (same id). Called once its size and rights are checked.</summary>
    /// <param name="file">The description, with <see cref="FileAttachment.RemoteId"/> set.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the file is stored.</returns>
    ValueTask SaveFileAsync(FileAttachment file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);
}
