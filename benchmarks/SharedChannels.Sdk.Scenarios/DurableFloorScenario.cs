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
using SharedChannels.Samples.Chat;

namespace SharedChannels.Scenarios;

/// <summary>
/// The durable floor under the catch-up: the very request bodies A sent during it, posted one at a time over loopback
/// HTTP to a bare Kestrel endpoint that reads each body, parses it and stores its users, posts and reactions in SQLite
/// with the sample host's schema and indexes (<see cref="ChatDatabase"/>) and durability (WAL, <c>synchronous = FULL</c>,
/// the background checkpoints, the inbound writer's page cache), in one transaction per request, then answers
/// <c>{"status":"OK"}</c>. Nothing else: no authentication, no checks, no renaming, no change log (B does not log a
/// peer's items in a channel homed on that peer). What a durable receiver of the same data cannot go below.
/// </summary>
internal static class DurableFloorScenario
{
    private const int WarmUpRequests = 200;
    private static readonly byte[] Ok = """{"status":"OK"}"""u8.ToArray();

    public static async Task<FloorResult> RunAsync(string capturePath, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        using ChatDatabase database = ChatDatabase.Open(Path.Combine(folder, "durable-floor.db"));
        await using var store = await FloorStore.OpenAsync(Path.Combine(folder, "durable-floor.db"), cancellationToken);
        await using WebApplication server = await StartServerAsync(store, cancellationToken);
        Uri endpoint = new(new Uri(server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()), "/api/v4/remotecluster/msg");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

        // Warm-up on the first bodies (stored, then stored again by the measured run: upserts, as the receiver's are).
        foreach (byte[] body in ControlledTransport.ReadCaptured(capturePath).Take(WarmUpRequests))
        {
            await PostAsync(http, endpoint, body, cancellationToken);
        }

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
            throw new InvalidOperationException($"The durable floor server answered {(int)response.StatusCode}.");
        }
    }

    private static async Task<WebApplication> StartServerAsync(FloorStore store, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        app.Run(async context =>
        {
            PipeReader reader = context.Request.BodyReader;
            while (true)
            {
                ReadResult read = await reader.ReadAsync(context.RequestAborted);
                if (read.IsCompleted)
                {
                    using (JsonDocument frame = JsonDocument.Parse(read.Buffer))
                    {
                        await store.SaveAsync(frame.RootElement.GetProperty("msg").GetProperty("payload"), context.RequestAborted);
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
