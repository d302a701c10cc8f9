using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SharedChannels.Integration.Tests.TestSupport;

/// <summary>
/// A sample host in a process of its own (<c>dotnet SharedChannels.SampleHost.dll --urls … --data …</c>, as
/// <c>dotnet run</c> starts it): for tests about crashes, restarts and the machine under the host.
/// </summary>
internal sealed class SampleHostProcess : IDisposable
{
    /// <summary>How long start-up and the tests' waits may take before the test fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly Process _process;

    private SampleHostProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Starts the host and waits until its chat API answers.</summary>
    public static async Task<SampleHostProcess> StartAsync(Uri url, string dataDirectory)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SharedChannels.SampleHost.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString().TrimEnd('/'));
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(dataDirectory);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = new SampleHostProcess(process, url);

        using var probe = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Patience)
        {
            try
            {
                using HttpResponseMessage response = await probe.GetAsync(new Uri("api/users", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return started;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not answering yet.
            }

            if (process.HasExited)
            {
                started.Dispose();
                Assert.Fail($"The sample host's process exited during start-up with code {process.ExitCode}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        started.Dispose();
        Assert.Fail($"The sample host did not answer within {Patience.TotalSeconds} s.");
        return started;
    }

    /// <summary>A free port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no goodbye.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
