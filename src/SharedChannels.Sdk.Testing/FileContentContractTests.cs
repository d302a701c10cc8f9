using NUnit.Framework;
using SharedChannels.Content;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="IFileContent"/> must meet: a saved file reads back with its description and exact
/// bytes, and an unknown file is <see langword="null"/>. Derive a fixture from it, implement
/// <see cref="CreateFileContentAsync"/>, and the tests run against your port.
/// </summary>
/// <typeparam name="TFiles">The implementation under test.</typeparam>
/// <remarks>
/// The port is created by a <c>[SetUp]</c> method of this class, before the derived fixture's own; release what it
/// holds in a <c>[TearDown]</c> method of the derived fixture. Times are whole milliseconds.
/// </remarks>
public abstract class FileContentContractTests<TFiles>
    where TFiles : class, IFileContent
{
    private TFiles? _files;

    /// <summary>Gets the port under test: fresh and empty at the start of each test.</summary>
    /// <exception cref="InvalidOperationException">Read outside a test.</exception>
    protected TFiles Files => _files ?? throw new InvalidOperationException("The file content is created before each test; read it inside a test.");

    /// <summary>Creates the port under test before each test.</summary>
    /// <returns>A task that completes when the port exists.</returns>
    [SetUp]
    public async Task CreateFileContentBeforeEachTestAsync() => _files = await CreateFileContentAsync().ConfigureAwait(false);

    /// <summary>A saved file's description reads back with every field.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SaveFileAsync_NewFile_GetFileAsyncRoundTripsTheDescription()
    {
        byte[] content = Bytes(1000);
        FileAttachment file = File(1, content.Length);

        await Files.SaveFileAsync(file, content);
        FileAttachment? stored = await Files.GetFileAsync(file.Id);

        Assert.That(stored, Is.EqualTo(file));
    }

    /// <summary>A saved file's bytes read back exactly: every byte value, across buffer sizes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SaveFileAsync_NewFile_ReadContentAsyncReturnsTheSameBytes()
    {
        byte[] content = Bytes(200_003);
        FileAttachment file = File(1, content.Length);

        await Files.SaveFileAsync(file, content);
        ReadOnlyMemory<byte> stored = await Files.ReadContentAsync(file.Id);

        Assert.That(stored.ToArray(), Is.EqualTo(content));
    }

    /// <summary>Two files are kept apart: each id reads its own bytes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SaveFileAsync_TwoFiles_KeepsEachFilesBytes()
    {
        byte[] first = Bytes(10);
        byte[] second = [.. Enumerable.Reverse(Bytes(20))];
        await Files.SaveFileAsync(File(1, first.Length), first);

        await Files.SaveFileAsync(File(2, second.Length), second);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await Files.ReadContentAsync(File(1, 0).Id)).ToArray(), Is.EqualTo(first));
            Assert.That((await Files.ReadContentAsync(File(2, 0).Id)).ToArray(), Is.EqualTo(second));
        }
    }

    /// <summary>A file that was never saved is <see langword="null"/>.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetFileAsync_Missing_ReturnsNull()
    {
        Assert.That(await Files.GetFileAsync(ContractData.Id("nofile", 1)), Is.Null);
    }

    /// <summary>Creates a fresh, empty port. Called once before each test.</summary>
    /// <returns>The port.</returns>
    protected abstract Task<TFiles> CreateFileContentAsync();

    private static FileAttachment File(int n, long size) => new()
    {
        Id = ContractData.Id("file", n),
        ChannelId = ContractData.Id("channel", 1),
        UserId = ContractData.Id("uploader", 1),
        Name = $"Bericht {n} — März ✨.pdf",
        Size = size,
        MimeType = "application/pdf",
        CreateAt = ContractData.Time(n),
        RemoteId = ContractData.Id("peer", 1),
    };

    private static byte[] Bytes(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 7) + (i >> 8));
        }

        return bytes;
    }
}
