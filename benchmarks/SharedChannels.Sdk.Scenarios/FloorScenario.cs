using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SharedChannels.Scenarios;

/// <summary>
/// The floor under the catch-up: the very request bodies A sent during it (captured by <see cref="ControlledTransport"/>),
/// posted one at a time, as the SDK's single worker per connection does, over loopback HTTP to a bare Kestrel endpoint
/// that reads each body whole, parses it (<see cref="JsonDocument"/>) and answers <c>{"status":"OK"}</c>. No storage, no
/// checks: what moving and parsing the same JSON costs. Only the requests are timed, not reading the capture file.
/// <see cref="DurableFloorScenario"/> runs the same endpoint with a store behind it.
/// </summary>
internal static class FloorScenario
{
    private const int WarmUpRequests = 200;
    private static readonly byte[] Ok = """{"status":"OK"}"""u8.ToArray();

    public static Task<FloorResult> RunAsync(string capturePath, CancellationToken cancellationToken) =>
        RunAsync(capturePath, warmUpStore: null, store: null, cancellationToken);

    /// <summary>
    /// Posts the captured bodies to an endpoint that parses each and, when a store is given, passes it the frame's
    /// payload before answering: <paramref name="warmUpStore"/> during the warm-up, <paramref name="store"/> during the
    /// measured run (so that the warm-up does not store the measured run's posts ahead of it).
    /// </summary>
    internal static async Task<FloorResult> RunAsync(
        string capturePath,
        Func<JsonElement, CancellationToken, Task>? warmUpStore,
        Func<JsonElement, CancellationToken, Task>? store,
        CancellationToken cancellationToken)
    {
        Func<JsonElement, CancellationToken, Task>? current = warmUpStore;
        await using WebApplication server = await StartServerAsync((payload, ct) => current?.Invoke(payload, ct) ?? Task.CompletedTask, cancellationToken);
        Uri endpoint = new(new Uri(server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()), "/api/v4/remotecluster/msg");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

        // Warm-up on the first bodies: JIT, connection, Kestrel's buffers.
        foreach (byte[] body in ControlledTransport.ReadCaptured(capturePath).Take(WarmUpRequests))
        {
            await PostAsync(http, endpoint, body, cancellationToken);
        }

        current = store;
        int batches = 0;
        long bytes = 0;
        long elapsed = 0;
        foreach (byte[] body in ControlledTransport.ReadCaptured(capturePath))
        {
            long started = Stopwatch.GetTimestamp();
            await PostAsync(http, endpoint, body, cancellationToken);
            elapsed += Stopwatch.GetTimestamp() - started;
            batches++;
            bytes += body.Length;
        }

        await server.StopAsync(cancellationToken);
        return new FloorResult(batches, bytes, Stopwatch.GetElapsedTime(0, elapsed));
    }

    private static async Task PostAsync(HttpClient http, Uri endpoint, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.PostAsync(endpoint, content, cancellationToken);
        byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || !answer.AsSpan().SequenceEqual(Ok))
        {
            throw new InvalidOperationException($"The floor server answered {(int)response.StatusCode}.");
        }
    }

    private static async Task<WebApplication> StartServerAsync(Func<JsonElement, CancellationToken, Task> store, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        app.Run(async context =>
        {
            // The whole body, then one parse: what the SDK's endpoint does before it looks at the frame.
            PipeReader reader = context.Request.BodyReader;
            while (true)
            {
                ReadResult read = await reader.ReadAsync(context.RequestAborted);
                if (read.IsCompleted)
                {
                    using (JsonDocument frame = JsonDocument.Parse(read.Buffer))
                    {
                        await store(frame.RootElement.GetProperty("msg").GetProperty("payload"), context.RequestAborted);
                    }

                    reader.AdvanceTo(read.Buffer.End);
                    break;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Ok.Length;
            await context.Response.Body.WriteAsync(Ok, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        return app;
    }
}
