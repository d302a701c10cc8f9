using System.Text.RegularExpressions;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// The bytes of files and profile images, one file each in a folder of the data directory, under names this host
/// generates (<c>{26-character id}.bin</c>). A name chosen by a user or a peer never becomes a path: it is only
/// metadata in the database.
/// </summary>
public sealed partial class BlobStore
{
    private readonly string _directory;

    /// <summary>Creates the store; the folder is created if missing.</summary>
    /// <param name="directory">The folder.</param>
    public BlobStore(string directory)
    {
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Writes new bytes under a generated name (through a temporary file, so a crash leaves no half file).</summary>
    /// <param name="content">The bytes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The storage name.</returns>
    public async Task<string> SaveAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        string name = Ids.NewId() + ".bin";
        string path = PathOf(name);
        string temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await stream.WriteAsync(content, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        File.Move(temporary, path);
        return name;
    }

    /// <summary>Reads the bytes stored under <paramref name="name"/>.</summary>
    /// <param name="name">A name <see cref="SaveAsync"/> returned.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The bytes.</returns>
    public async Task<byte[]> ReadAsync(string name, CancellationToken cancellationToken = default) =>
        await File.ReadAllBytesAsync(PathOf(name), cancellationToken);

    /// <summary>Deletes the bytes stored under <paramref name="name"/>, if they exist.</summary>
    /// <param name="name">A name <see cref="SaveAsync"/> returned.</param>
    public void Delete(string name) => File.Delete(PathOf(name));

    private string PathOf(string name) =>
        StorageName().IsMatch(name)
            ? Path.Combine(_directory, name)
            : throw new ArgumentException($"'{name}' is not a storage name this host generated.", nameof(name));

    [GeneratedRegex("^[a-z0-9]{26}\\.bin$")]
    private static partial Regex StorageName();
}

/// <summary>The host's two blob folders in its data directory: <c>files/</c> (post attachments) and <c>images/</c> (profile images).</summary>
/// <param name="Files">The attachments.</param>
/// <param name="Images">The profile images.</param>
public sealed record SampleBlobs(BlobStore Files, BlobStore Images)
{
    /// <summary>Opens (and creates) the folders under <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The host's data folder.</param>
    /// <returns>The blob folders.</returns>
    public static SampleBlobs Open(string dataDirectory) =>
        new(new BlobStore(Path.Combine(dataDirectory, "files")), new BlobStore(Path.Combine(dataDirectory, "images")));
}
