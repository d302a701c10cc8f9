using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using SharedChannels.Samples.Api;
using SharedChannels.Samples.Chat;
using SharedChannels.Samples.Ports;
using SharedChannels.Sqlite;

namespace SharedChannels.Samples;

/// <summary>
/// A running sample chat host: an ASP.NET Core application with its own SQLite chat data, the SDK wired to it, the
/// chat API under <c>/api</c> and the SDK's endpoints under <c>/api/v4/remotecluster</c>. Used by
/// <c>Program.cs</c>, the demo and the integration tests.
/// </summary>
public sealed class SampleHost : IAsyncDisposable
{
    /// <summary>The host's own chat database, in <see cref="SampleHostOptions.DataDirectory"/>.</summary>
    public const string ChatDatabaseFile = "chat.db";

    /// <summary>The SDK's database, in <see cref="SampleHostOptions.DataDirectory"/>.</summary>
    public const string SharedChannelsDatabaseFile = "shared-channels.db";

    private const int MaxStartAttempts = 5;

    private readonly WebApplication _app;

    private SampleHost(WebApplication app, SampleHostOptions options)
    {
        _app = app;
        Options = options;
    }

    /// <summary>Gets the options the host runs with; <see cref="SampleHostOptions.Url"/> has the actual port, so they can restart it.</summary>
    public SampleHostOptions Options { get; }

    /// <summary>Gets the host's URL, also its site URL for peers.</summary>
    public Uri Url => Options.Url;

    /// <summary>Gets the application's services (the SDK's <c>SecureConnections</c>, <c>ChannelSharing</c>, <c>SharedChannelSync</c>, …).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a host on 127.0.0.1. With port 0, a free port is chosen before start-up (the SDK needs its site URL
    /// when it starts, before Kestrel binds), and start-up is retried if another process took it in between.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">A token to cancel start-up.</param>
    /// <returns>The running host.</returns>
    public static async Task<SampleHost> StartAsync(SampleHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (int attempt = 1; ; attempt++)
        {
            SampleHostOptions actual = options.Url.Port == 0 ? options with { Url = new UriBuilder(options.Url) { Port = ReserveFreePort() }.Uri } : options;
            WebApplication app = await CreateApplicationAsync(actual, cancellationToken);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException) when (options.Url.Port == 0 && attempt < MaxStartAttempts)
            {
                await app.DisposeAsync();
                continue;
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            string bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new SampleHost(app, actual with { Url = new Uri(bound) });
        }
    }

    /// <summary>
    /// Builds the application: the SDK wired to the sample's ports, the databases opened (and their schemas created),
    /// the endpoints mapped. Not started yet.
    /// </summary>
    /// <param name="options">The options; <see cref="SampleHostOptions.Url"/> must have a port.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The application.</returns>
    /// <exception cref="ArgumentException">The URL is not <c>http://127.0.0.1:{port}</c>.</exception>
    /// <exception cref="SampleHostStorageException">The data folder cannot be created or written, or a database in it cannot be opened.</exception>
    public static async Task<WebApplication> CreateApplicationAsync(SampleHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Uri url = options.Url;
        if (url.Scheme != Uri.UriSchemeHttp || !IPAddress.TryParse(url.Host, out IPAddress? address) || !address.Equals(IPAddress.Loopback) || url.AbsolutePath != "/")
        {
            throw new ArgumentException($"The sample host listens on http://127.0.0.1:<port> only (it has no authentication); '{url}' is not such an address.", nameof(options));
        }

        RequireWritableDataDirectory(options.DataDirectory);
        string siteUrl = url.GetLeftPart(UriPartial.Authority);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, url.Port));

        // The SDK's own events stay visible; per-request lines of ASP.NET Core and HttpClient do not.
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        // The host's own data and operations.
        string chatDatabase = Path.Combine(options.DataDirectory, ChatDatabaseFile);
        builder.Services.AddSingleton(_ => ChatDatabase.Open(chatDatabase));
        builder.Services.AddSingleton<ChatService>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(OpenStorage(options.DataDirectory, "files/ and images/", () => SampleBlobs.Open(options.DataDirectory)));

        // The SDK: HTTP between workspaces, its state in its own SQLite file, and the host's ports.
        string sdkDatabase = new SqliteConnectionStringBuilder { DataSource = Path.Combine(options.DataDirectory, SharedChannelsDatabaseFile) }.ToString();
        builder.Services
            .AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.EnableSharedChannels = true;
                o.SiteUrl = siteUrl;
                if (options.UsernameCollisionPolicy is { } policy)
                {
                    o.UsernameCollisionPolicy = policy;
                }

                options.ConfigureSharedChannels?.Invoke(o);
            })
            .UseHttpTransport()
            .UseSqliteStorage(sdkDatabase)
            .UseChannelContent<SqliteChannelContent>()
            .UseUserDirectory<SqliteUserDirectory>()
            .UseInboundTransactions<SqliteInboundTransactions>()
            .UseSystemMessages<SqliteSystemMessages>()
            .UseEmojiCatalog<SqliteEmojiCatalog>()
            .UseFileContent<SqliteFileContent>()
            .UsePermissionChecker<SqlitePermissionChecker>();
        options.ConfigureServices?.Invoke(builder.Services);

        WebApplication app = builder.Build();

        // Fail now on a bad path or a newer schema, not on the first request.
        try
        {
            _ = OpenStorage(options.DataDirectory, ChatDatabaseFile, app.Services.GetRequiredService<ChatDatabase>);
            await OpenStorageAsync(options.DataDirectory, SharedChannelsDatabaseFile, () => app.Services.GetRequiredService<SqliteStorage>().EnsureSchemaAsync(cancellationToken));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        // Outermost, so a storage failure anywhere is a 503.
        app.UseStorageFailureAnswers();
        app.MapSharedChannels();
        app.MapChatApi();
        app.MapAdminApi();
        app.MapCommandsApi();
        return app;
    }

    /// <summary>Creates a client of this host's chat API.</summary>
    /// <returns>The client; dispose it when done.</returns>
    public ChatClient CreateClient() => new(new HttpClient { BaseAddress = Url });

    /// <summary>Stops the host (the SDK stops its workers) and releases its database files.</summary>
    /// <returns>A task that completes when the host has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // Creates the folder and writes a file in it, so that a folder that cannot be written fails here with a message that
    // names it, not later with SQLite's "unable to open database file" or on the first upload.
    private static void RequireWritableDataDirectory(string dataDirectory)
    {
        string folder = Path.GetFullPath(dataDirectory);
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".write-test-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SampleHostStorageException(
                folder,
                $"The data folder '{folder}' cannot be created or written ({ex.Message.TrimEnd('.')}). It must be a writable folder: fix its permissions, or choose another one (--data).",
                ex);
        }
    }

    private static T OpenStorage<T>(string dataDirectory, string what, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw Unusable(dataDirectory, what, ex);
        }
    }

    private static async Task OpenStorageAsync(string dataDirectory, string what, Func<Task> open)
    {
        try
        {
            await open();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw Unusable(dataDirectory, what, ex);
        }
    }

    private static SampleHostStorageException Unusable(string dataDirectory, string what, Exception ex)
    {
        string folder = Path.GetFullPath(dataDirectory);
        return new SampleHostStorageException(
            folder,
            $"The data folder '{folder}' is not usable: {what} could not be opened ({ex.Message.TrimEnd('.')}). It must be a writable folder holding this host's data: fix its permissions or free space, or choose another one (--data).",
            ex);
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
