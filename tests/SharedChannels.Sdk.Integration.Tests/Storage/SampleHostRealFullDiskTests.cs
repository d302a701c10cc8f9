using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Storage;

/// <summary>
/// The sample host in its own process, on a file system that really fills up: a small tmpfs mounted for the test
/// (where the machine allows mounting; otherwise the test says so and is skipped, and SampleHostFullDiskTests covers the
/// same answers in process with SQLite's page limit).
/// </summary>
[Category("Integration")]
public sealed class SampleHostRealFullDiskTests
{
    private string _mount = null!;
    private bool _mounted;

    [SetUp]
    public async Task SetUp()
    {
        _mount = Path.Combine(Path.GetTempPath(), "sharedchannels-fulldisk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_mount);
        (int code, string error) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", _mount);
        _mounted = code == 0;
        if (!_mounted)
        {
            Assert.Ignore($"This machine does not let the test mount a small tmpfs (mount exited {code}: {error.Trim()}); SampleHostFullDiskTests covers the same answers in process.");
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_mounted)
        {
            await RunAsync("umount", "-l", _mount);
        }

        Directory.Delete(_mount, recursive: true);
    }

    [Test]
    public async Task DiskFull_PostThroughTheChatApi_Answers503WithAMessageAndStoresNothing_ThenWorksWhenSpaceIsBack()
    {
        var url = new Uri($"http://127.0.0.1:{SampleHostProcess.FreePort()}");
        using SampleHostProcess host = await SampleHostProcess.StartAsync(url, Path.Combine(_mount, "data"));
        using var chat = new ChatClient(new HttpClient { BaseAddress = url });
        UserView john = await chat.CreateUserAsync("john");
        ChannelView channel = await chat.CreateChannelAsync("town-square", john.Id);

        // Fill what is left of the 4 MiB, then ask for a post large enough to need new pages.
        string filler = Path.Combine(_mount, "filler");
        await FillAsync(filler);
        using var raw = new HttpClient { BaseAddress = url };
        string message = new('x', 256 * 1024);
        using HttpResponseMessage full = await raw.PostAsync(
            new Uri($"api/channels/{channel.Id}/posts", UriKind.Relative),
            JsonContent(new { userId = john.Id, message }));
        string body = await full.Content.ReadAsStringAsync();
        IReadOnlyList<PostView> whileFull = await chat.GetPostsAsync(channel.Id);

        File.Delete(filler);
        PostView afterwards = await chat.PostAsync(channel.Id, john.Id, "space is back");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(full.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(body, Does.Contain("\"error\"").And.Contain("Storage is unavailable"));
            Assert.That(body, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(whileFull, Is.Empty, "nothing was stored");
            Assert.That((await chat.GetPostsAsync(channel.Id)).Select(p => p.Id), Is.EqualTo(new[] { afterwards.Id }), "writes work again once there is space");
        }
    }

    private static StringContent JsonContent(object value) =>
        new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    /// <summary>Writes zeros until the file system is full.</summary>
    private static async Task FillAsync(string path)
    {
        byte[] block = new byte[64 * 1024];
        // Unbuffered: nothing is left to flush (and fail) when the file is closed.
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
        try
        {
            while (true)
            {
                await file.WriteAsync(block);
            }
        }
        catch (IOException)
        {
            // No space left.
        }

        try
        {
            // Whatever the last block left over, a byte at a time.
            while (true)
            {
                file.WriteByte(0);
            }
        }
        catch (IOException)
        {
            // Full to the last byte.
        }
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string command, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
