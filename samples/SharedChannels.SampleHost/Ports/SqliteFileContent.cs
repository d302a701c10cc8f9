using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// The SDK's view of this host's files (<see cref="IFileContent"/>): rows in the <c>files</c> table, bytes in the
/// data folder's <c>files/</c> under names this host generates. The SDK hands over a peer's file name already
/// sanitized; it is stored as the file's display name only.
/// </summary>
/// <param name="database">The chat database.</param>
/// <param name="blobs">Where the bytes are.</param>
/// <param name="options">The host's options (file limits).</param>
public sealed class SqliteFileContent(ChatDatabase database, SampleBlobs blobs, SampleHostOptions options) : IFileContent
{
    private readonly BlobStore _files = blobs.Files;

    /// <inheritdoc />
    public bool EnableFileAttachments => options.EnableFileAttachments;

    /// <inheritdoc />
    public long MaxFileSize => options.MaxFileSize;

    /// <inheritdoc />
    public async ValueTask<FileAttachment?> GetFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await ChatTables.GetFileAsync(db, fileId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> ReadContentAsync(string fileId, CancellationToken cancellationToken = default)
    {
        string storageName;
        await using (SqliteConnection db = await database.OpenConnectionAsync(cancellationToken))
        {
            storageName = await ChatTables.GetFileStorageNameAsync(db, fileId, cancellationToken)
                ?? throw new FileNotFoundException($"There is no file '{fileId}' on this workspace.");
        }

        return await _files.ReadAsync(storageName, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask SaveFileAsync(FileAttachment file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);

        // Bytes first, then the row: a crash in between leaves an unreferenced blob, never a row without bytes.
        string storageName = await _files.SaveAsync(content, cancellationToken);
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        if (!await ChatTables.InsertFileAsync(db, file, storageName, cancellationToken))
        {
            // A repeated delivery: the first copy is kept.
            _files.Delete(storageName);
        }
    }
}
