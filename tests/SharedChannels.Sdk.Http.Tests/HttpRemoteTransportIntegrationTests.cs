using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Http.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Http.Tests;

/// <summary>The transport as registered by <c>UseHttpTransport</c>, against a real Kestrel peer.</summary>
[Category("Integration")]
public sealed class HttpRemoteTransportIntegrationTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private HttpTestHost _host = null!;
    private int _redirectTargetHits;

    [OneTimeSetUp]
    public async Task OneTimeSetUp() =>
        _host = await HttpTestHost.StartAsync(_time, mapExtra: app =>
        {
            app.MapPost("/moved/api/v4/remotecluster/ping", context =>
            {
                context.Response.Redirect("/elsewhere", permanent: false, preserveMethod: true);
                return Task.CompletedTask;
            });
            app.MapPost("/elsewhere", context =>
            {
                Interlocked.Increment(ref _redirectTargetHits);
                return Task.CompletedTask;
            });
            app.MapPost("/huge/api/v4/remotecluster/msg", async context =>
            {
                // Streamed without Content-Length: the cap must stop the reader, not the announced length.
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            });
        });

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _host.DisposeAsync();

    [Test]
    [CancelAfter(30_000)]
    public async Task SendAsync_PeerRedirects_ReturnsTheRedirectWithoutFollowingIt(CancellationToken cancellationToken)
    {
        IRemoteTransport transport = _host.Services.GetRequiredService<IRemoteTransport>();

        RemoteResponse response = await transport.SendAsync(new Uri(_host.Origin, "/moved"), Ping(), cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo((int)HttpStatusCode.TemporaryRedirect));
            Assert.That(Volatile.Read(ref _redirectTargetHits), Is.Zero, "the token was not carried to the redirect target");
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public void SendAsync_StreamedReplyOverMaxResponseBytes_Throws(CancellationToken cancellationToken)
    {
        // The endpoint streams 4 MiB without Content-Length; a 1 MiB cap on the registered client pipeline must stop it.
        var transport = new HttpRemoteTransport(
            _host.Services.GetRequiredService<IHttpClientFactory>(),
            Options.Create(new HttpRemoteTransportOptions { MaxResponseBytes = 1024 * 1024 }),
            _time,
            NullLogger<HttpRemoteTransport>.Instance);
        var request = new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = "x", Token = "y", Body = "{}"u8.ToArray() };

        var ex = Assert.ThrowsAsync<HttpRequestException>(() => transport.SendAsync(new Uri(_host.Origin, "/huge"), request, cancellationToken));

        Assert.That(ex!.HttpRequestError, Is.EqualTo(HttpRequestError.ConfigurationLimitExceeded));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SendAsync_RealPeer_AnswersThroughTheMappedEndpoints(CancellationToken cancellationToken)
    {
        IRemoteTransport transport = _host.Services.GetRequiredService<IRemoteTransport>();

        RemoteResponse response = await transport.SendAsync(new Uri(_host.SiteUrl), Ping(), cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(StatusCodes.Status401Unauthorized), "an unknown connection is refused by the peer, not by the transport");
    }

    private static RemoteRequest Ping() => new()
    {
        Endpoint = RemoteEndpoint.Ping,
        RemoteId = "ko8kjhd9e3dq7m3zjy4bqxfgyo",
        Token = "u1p8mhzyzpnq7cefw9dg7k4h4r",
        Body = """{"remote_id":"ko8kjhd9e3dq7m3zjy4bqxfgyo","msg":{"id":"yyyyyyyyyyyyyyyyyyyyyyyyyy","topic":"ping","create_at":1,"payload":{"sent_at":1}}}"""u8.ToArray(),
    };
}
