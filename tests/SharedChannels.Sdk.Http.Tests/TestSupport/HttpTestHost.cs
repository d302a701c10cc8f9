using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.Http.Tests.TestSupport;

/// <summary>
/// A real ASP.NET Core host on Kestrel at <c>http://127.0.0.1:{port}</c>: the SDK with the HTTP transport and the
/// remote-cluster endpoints, in-memory storage, a fake clock and captured logs.
/// </summary>
internal sealed class HttpTestHost : IAsyncDisposable
{
    public const string Admin = "admin0000000000000000000000";

    private const int MaxStartAttempts = 5;

    private readonly WebApplication _app;

    private HttpTestHost(WebApplication app, Uri origin, string siteUrl, CapturingLoggerProvider logs)
    {
        _app = app;
        Origin = origin;
        SiteUrl = siteUrl;
        Logs = logs;
    }

    /// <summary>Gets the address Kestrel is bound to (from <see cref="IServerAddressesFeature"/>), without path base.</summary>
    public Uri Origin { get; }

    /// <summary>Gets the site URL the SDK was configured with (origin plus path base, as given).</summary>
    public string SiteUrl { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public SecureConnections Connections => Services.GetRequiredService<SecureConnections>();

    public ConnectionMonitor Monitor => Services.GetRequiredService<ConnectionMonitor>();

    public IConnectionStore Store => Services.GetRequiredService<IConnectionStore>();

    /// <summary>Starts a host.</summary>
    /// <param name="time">The SDK's clock.</param>
    /// <param name="pathBase">A path base the site is served under (e.g. <c>/chat/</c>), kept verbatim in the site URL.</param>
    /// <param name="configure">Adjusts the SDK options.</param>
    /// <param name="mapExtra">Maps extra endpoints next to the SDK's.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<HttpTestHost> StartAsync(
        FakeTimeProvider time,
        string pathBase = "",
        Action<SharedChannelsOptions>? configure = null,
        Action<WebApplication>? mapExtra = null,
        CancellationToken cancellationToken = default)
    {
        // SiteUrl must be known before start: options are validated (and the monitor reads them) when the host starts,
        // before Kestrel has bound port 0. So a free port is reserved first, and start-up retried if it was taken since.
        for (int attempt = 1; ; attempt++)
        {
            int port = ReserveFreePort();
            string origin = $"http://127.0.0.1:{port}";
            var logs = new CapturingLoggerProvider();
            WebApplication app = Build(time, port, origin + pathBase, pathBase, configure, mapExtra, logs);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException) when (attempt < MaxStartAttempts)
            {
                await app.DisposeAsync();
                continue;
            }

            string bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            if (!string.Equals(bound.TrimEnd('/'), origin, StringComparison.Ordinal))
            {
                await app.DisposeAsync();
                throw new InvalidOperationException($"Kestrel bound {bound}, expected {origin}.");
            }

            return new HttpTestHost(app, new Uri(origin), origin + pathBase, logs);
        }
    }

    /// <summary>Creates a connection here and accepts it on <paramref name="peer"/> over HTTP; returns the connection id.</summary>
    public async Task<string> ConnectToAsync(HttpTestHost peer, string name, CancellationToken cancellationToken = default)
    {
        ConnectionInvitation invitation = await Connections.CreateAsync(Admin, new CreateConnectionRequest { Name = name, Password = "pw" }, cancellationToken);
        await peer.Connections.AcceptAsync(Admin, new AcceptInvitationRequest { Name = name + "-inviter", InvitationCode = invitation.InvitationCode, Password = "pw" }, cancellationToken);
        return invitation.Connection.Id;
    }

    public async Task<ConnectionRecord> RecordAsync(string connectionId) =>
        await Store.GetAsync(connectionId) ?? throw new AssertionException($"connection {connectionId} is not stored");

    /// <summary>An <see cref="HttpClient"/> for raw requests to this host's site URL.</summary>
    public HttpClient CreateRawClient() => new() { BaseAddress = new Uri(SiteUrl.TrimEnd('/') + "/") };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static WebApplication Build(
        FakeTimeProvider time,
        int port,
        string siteUrl,
        string pathBase,
        Action<SharedChannelsOptions>? configure,
        Action<WebApplication>? mapExtra,
        CapturingLoggerProvider logs)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);

            // Kestrel's default body rate (240 bytes/s) with a 1.5 s grace (the least it takes) instead of 5 s: a stalled body is cut sooner.
            kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(240, TimeSpan.FromSeconds(1.5));
        });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<TimeProvider>(time);

        var permissions = new InMemoryPermissionChecker();
        permissions.AddSystemAdmin(Admin);
        builder.Services.AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.EnableSharedChannels = true;
                o.SiteUrl = siteUrl;
                configure?.Invoke(o);
            })
            .UseHttpTransport()
            .UsePermissionChecker(permissions);

        WebApplication app = builder.Build();
        if (pathBase.Length > 0)
        {
            app.UsePathBase(pathBase.TrimEnd('/'));
            app.UseRouting();
        }

        app.MapSharedChannels();
        mapExtra?.Invoke(app);
        return app;
    }

    private static int ReserveFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
