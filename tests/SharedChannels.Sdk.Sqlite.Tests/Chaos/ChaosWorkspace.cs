using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Invitations;
using SharedChannels.Sharing;
using SharedChannels.Sync;
using SharedChannels.Testing;
using SharedChannels.Testing.Chaos;
using SharedChannels.Transport;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>
/// One workspace of a chaos run. The SDK keeps its state in a SQLite file and can be crashed and rebuilt on it; the
/// host's own data is an <see cref="InMemoryChatContent"/> that outlives every SDK instance, as the host's database
/// would outlive a crash of its process.
/// </summary>
internal sealed class ChaosWorkspace : IAsyncDisposable
{
    private readonly LoopbackNetwork _network;
    private readonly FakeTimeProvider _time;
    private readonly InMemoryPermissionChecker _permissions = new();
    private ServiceProvider? _provider;
    private IHostedService[] _hosted = [];
    private readonly Action<SharedChannelsOptions>? _configure;
    private SharedChannelSync? _sync;

    public ChaosWorkspace(string name, string directory, LoopbackNetwork network, FakeTimeProvider time, FaultInjectingTransport transport, ChaosLogProvider logs, Action<SharedChannelsOptions>? configure = null)
    {
        _configure = configure;
        Name = name;
        SiteUrl = $"https://{name}.chaos.test";
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, name + ".db") }.ToString();
        _network = network;
        _time = time;
        Transport = transport;
        Logs = logs;
        Content = new InMemoryChatContent(time);
        AdminId = ChaosIds.Make(name + "admin", 0);
        Content.AddLocalUser(AdminId, name + "-admin");
        _permissions.AddSystemAdmin(AdminId);

        // The host's own code forwards its changes to whichever SDK instance is running; while the SDK is down the
        // notification is lost, as it would be in a crash, and the restart's catch-up must find the change anyway.
        Content.ChannelChanged += channelId => Volatile.Read(ref _sync)?.NotifyChannelChanged(channelId);
    }

    public string Name { get; }

    public string SiteUrl { get; }

    public string ConnectionString { get; }

    public string AdminId { get; }

    public InMemoryChatContent Content { get; }

    public FaultInjectingTransport Transport { get; }

    public ChaosLogProvider Logs { get; }

    public List<string> LocalUsers { get; } = [];

    public bool IsUp => _provider is not null;

    public int Starts { get; private set; }

    public SharedChannelSync Sync => Required<SharedChannelSync>();

    public SecureConnections Connections => Required<SecureConnections>();

    public ChannelSharing Sharing => Required<ChannelSharing>();

    public ConnectionMonitor Monitor => Required<ConnectionMonitor>();

    public string AddLocalUser(int n)
    {
        string id = ChaosIds.Make(Name + "user", n);
        Content.AddLocalUser(id, $"{Name}-user{n}");
        LocalUsers.Add(id);
        return id;
    }

    /// <summary>Builds an SDK instance on the SQLite file and the host content, and starts its hosted services (monitor, catch-up, network attachment).</summary>
    public async Task StartAsync()
    {
        if (_provider is not null)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(_time);

        // Not a test of invitation codes: skip Mattermost's key derivation (the core tests cover it).
        services.AddSingleton(InvitationKeyDerivationCost.CheapForTestsOnly);
        services.AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.EnableSharedChannels = true;
                o.SiteUrl = SiteUrl;
                _configure?.Invoke(o);
            })
            .UseLoopbackTransport(_network)
            .UseSqliteStorage(ConnectionString)
            .UsePermissionChecker(_permissions);

        // The host's ports, registered directly (not UseInMemoryContent) so the content's change notifications stay
        // wired through this class across restarts.
        services.AddSingleton<IChannelContent>(Content);
        services.AddSingleton<IUserDirectory>(Content);
        services.AddSingleton<ISystemMessages>(Content);
        services.AddSingleton<IEmojiCatalog>(Content);
        services.Replace(ServiceDescriptor.Singleton<IRemoteTransport>(Transport));

        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        _provider = provider;
        _hosted = hosted;
        Volatile.Write(ref _sync, provider.GetRequiredService<SharedChannelSync>());
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        Starts++;
    }

    /// <summary>
    /// Kills the SDK instance without waiting for anything: background loops are cancelled, in-flight sends abandoned,
    /// the workspace leaves the network, and the container is disposed. Only the SQLite file and the host content remain.
    /// </summary>
    public async Task CrashAsync()
    {
        ServiceProvider provider = _provider ?? throw new InvalidOperationException($"{Name} is not running.");
        Volatile.Write(ref _sync, null);
        _provider = null;
        using var alreadyCancelled = new CancellationTokenSource();
        await alreadyCancelled.CancelAsync();
        foreach (IHostedService service in _hosted.Reverse())
        {
            try
            {
                // A cancelled token: the services signal their loops to stop but nobody waits for them.
                await service.StopAsync(alreadyCancelled.Token);
            }
            catch (OperationCanceledException)
            {
                // Expected: nothing is awaited during a crash.
            }
        }

        _hosted = [];
        provider.Dispose();
    }

    /// <summary>Stops the SDK instance gracefully.</summary>
    public async Task StopAsync()
    {
        if (_provider is not { } provider)
        {
            return;
        }

        Volatile.Write(ref _sync, null);
        _provider = null;
        foreach (IHostedService service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        _hosted = [];
        await provider.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public override string ToString() => Name;

    private T Required<T>()
        where T : notnull =>
        (_provider ?? throw new InvalidOperationException($"{Name} is not running.")).GetRequiredService<T>();
}
