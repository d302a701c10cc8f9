using System.Diagnostics;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples;

namespace SharedChannels.Integration.Tests.Storage;

/// <summary>
/// A sample host whose data folder cannot be used: the process (started as <c>dotnet SharedChannels.SampleHost.dll</c>,
/// as <c>dotnet run</c> does) and the in-process <see cref="SampleHost.StartAsync"/> say what to fix instead of crashing.
/// </summary>
[Category("Integration")]
public sealed class SampleHostStartupTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    private string _root = null!;

    public static IEnumerable<TestCaseData> UnusableFolders()
    {
        yield return new TestCaseData(new Func<string, string>(TestSupport.UnusableFolders.FileInItsPlace)).SetArgDisplayNames("a file in its place");
        yield return new TestCaseData(new Func<string, string>(TestSupport.UnusableFolders.ReadOnly)).SetArgDisplayNames("read-only");
    }

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "sharedchannels-it-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown() => TestSupport.UnusableFolders.Delete(_root);

    [TestCaseSource(nameof(UnusableFolders))]
    public async Task Main_UnusableDataFolder_ExitsWithCode2AndOneClearLine(Func<string, string> unusable)
    {
        string data = unusable(_root);

        (int exitCode, string stdout, string stderr) = await RunSampleHostAsync("--urls", "http://127.0.0.1:0", "--data", data);

        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.EqualTo(2), "the documented exit code of an unusable data folder");
            Assert.That(lines, Has.Length.EqualTo(1), $"one line on stderr, got: {stderr}");
            Assert.That(stderr, Does.Contain($"'{Path.GetFullPath(data)}'").And.Contain("must be a writable folder"), "names the folder and what it must be");
            Assert.That(stderr + stdout, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"), "no stack trace");
            Assert.That(stdout, Does.Not.Contain("Sample chat host at"), "it never started");
        }
    }

    [TestCaseSource(nameof(UnusableFolders))]
    public void StartAsync_UnusableDataFolder_ThrowsSampleHostStorageException(Func<string, string> unusable)
    {
        string data = unusable(_root);

        SampleHostStorageException? thrown = Assert.ThrowsAsync<SampleHostStorageException>(() => SampleHost.StartAsync(new SampleHostOptions { DataDirectory = data }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown!.DataDirectory, Is.EqualTo(Path.GetFullPath(data)));
            Assert.That(thrown.Message, Does.Contain(Path.GetFullPath(data)).And.Contain("must be a writable folder"));
        }
    }

    [Test]
    public async Task Main_DataFolderWithAFileThatIsNotADatabase_ExitsWithCode2NamingTheFile()
    {
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, SampleHost.ChatDatabaseFile), "not a database");

        (int exitCode, string stdout, string stderr) = await RunSampleHostAsync("--urls", "http://127.0.0.1:0", "--data", data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(stderr.Trim(), Does.Contain(SampleHost.ChatDatabaseFile).And.Contain("could not be opened").And.Not.Contain("\n"), "one line naming the file");
            Assert.That(stderr + stdout, Does.Not.Contain("   at "), "no stack trace");
        }
    }

    // The sample host's build output is copied next to the tests (project reference), with its runtimeconfig.json, so
    // `dotnet SharedChannels.SampleHost.dll` runs it as `dotnet run` would, in a process of its own.
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunSampleHostAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SharedChannels.SampleHost.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The sample host did not exit within {ProcessTimeout.TotalSeconds} s: it started although its data folder is unusable.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
