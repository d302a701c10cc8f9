using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SharedChannels.Connections;
using SharedChannels.Invitations;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;
using SharedChannels.Sync;

namespace SharedChannels.Integration.Tests.TestSupport;

/// <summary>
/// Two sample chat hosts, A and B, on 127.0.0.1 with SQLite files in a temporary folder: connected through the admin
/// API (A invites, B accepts) and sharing one channel homed on A, read-write. Each has an admin and a user named john.
/// </summary>
internal sealed class TwoWorkspaces : IAsyncDisposable
{
    /// <summary>How long a test waits for sync before failing.</summary>
    public static readonly TimeSpan SyncTimeout = Polling.SyncTimeout;

    private readonly string _root;

    private TwoWorkspaces(string root, SampleHost a, SampleHost b)
    {
        _root = root;
        A = a;
        B = b;
        ChatA = a.CreateClient();
        ChatB = b.CreateClient();
    }

    public SampleHost A { get; }

    public SampleHost B { get; private set; }

    public ChatClient ChatA { get; }

    public ChatClient ChatB { get; private set; }

    public UserView AdminA { get; private set; } = null!;

    public UserView JohnA { get; private set; } = null!;

    public UserView AdminB { get; private set; } = null!;

    public UserView JohnB { get; private set; } = null!;

    /// <summary>Gets the connection id, the same on both hosts.</summary>
    public string ConnectionId { get; private set; } = null!;

    /// <summary>Gets the channel homed on A and shared with B.</summary>
    public string ChannelId { get; private set; } = null!;

    /// <summary>Starts both hosts, connects them and shares the channel.</summary>
    /// <param name="configure">A last say on both hosts' SDK options.</param>
    /// <param name="configureServicesA">A last say on A's services (e.g. to decorate its transport).</param>
    public static async Task<TwoWorkspaces> StartAsync(Action<SharedChannelsOptions>? configure = null, Action<IServiceCollection>? configureServicesA = null)
    {
        string root = Path.Combine(Path.GetTempPath(), "sharedchannels-it-" + Guid.NewGuid().ToString("N")[..8]);
        SampleHost a = await SampleHost.StartAsync(Options(Path.Combine(root, "a"), configure) with { ConfigureServices = services => { UseCheapKeyDerivation(services); configureServicesA?.Invoke(services); } });
        SampleHost b = await SampleHost.StartAsync(Options(Path.Combine(root, "b"), configure));
        var workspaces = new TwoWorkspaces(root, a, b);
        try
        {
            await workspaces.ConnectAndShareAsync();
            return workspaces;
        }
        catch
        {
            await workspaces.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops B, runs <paramref name="whileStopped"/>, and starts B again on the same SQLite files, on the same port or,
    /// with <paramref name="onNewPort"/>, on another one (a new site URL).
    /// </summary>
    public async Task RestartBAsync(Func<Task> whileStopped, bool onNewPort = false)
    {
        SampleHostOptions options = onNewPort ? B.Options with { Url = new UriBuilder(B.Options.Url) { Port = 0 }.Uri } : B.Options;
        ChatB.Dispose();
        await B.DisposeAsync();
        await whileStopped();
        B = await SampleHost.StartAsync(options);
        ChatB = B.CreateClient();
    }

    /// <summary>
    /// Waits for both sync engines to be idle and checks <paramref name="condition"/>, again until it holds (a batch can
    /// be in flight between the checks); fails the test after <see cref="SyncTimeout"/>.
    /// </summary>
    public Task WaitUntilAsync(string what, Func<CancellationToken, Task<bool>> condition) =>
        Polling.WaitUntilAsync(what, condition, async ct =>
        {
            await Sync(A).WhenIdleAsync(ct);
            await Sync(B).WhenIdleAsync(ct);
        });

    public async ValueTask DisposeAsync()
    {
        ChatA.Dispose();
        ChatB.Dispose();
        await B.DisposeAsync();
        await A.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static SharedChannelSync Sync(SampleHost host) => host.Services.GetRequiredService<SharedChannelSync>();

    private static SampleHostOptions Options(string dataDirectory, Action<SharedChannelsOptions>? configure) =>
        new() { DataDirectory = dataDirectory, MinimumLogLevel = LogLevel.Warning, ConfigureSharedChannels = configure, ConfigureServices = UseCheapKeyDerivation };

    /// <summary>
    /// Both hosts are SDK hosts that only open each other's codes: they skip Mattermost's key derivation, which the
    /// core tests (Invitations, and the Mattermost peer tests here) cover.
    /// </summary>
    public static void UseCheapKeyDerivation(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton(InvitationKeyDerivationCost.CheapForTestsOnly));

    private async Task ConnectAndShareAsync()
    {
        AdminA = await ChatA.CreateUserAsync("admin", isAdmin: true);
        JohnA = await ChatA.CreateUserAsync("john");
        AdminB = await ChatB.CreateUserAsync("admin", isAdmin: true);
        JohnB = await ChatB.CreateUserAsync("john");

        InvitationView invitation = await ChatA.CreateConnectionAsync(AdminA.Id, "chat-b");
        ConnectionView accepted = await ChatB.AcceptConnectionAsync(AdminB.Id, "chat-a", invitation.InvitationCode, invitation.Password);
        Assert.That(accepted.State, Is.EqualTo(nameof(ConnectionState.Connected)), "B accepted A's invitation");
        ConnectionId = invitation.ConnectionId;

        ChannelView channel = await ChatA.CreateChannelAsync("town-square", AdminA.Id, "Town Square");
        SharedChannelView shared = await ChatA.ShareChannelAsync(AdminA.Id, channel.Id, ConnectionId);
        Assert.That(shared.InvitationAccepted, Is.True, "B received the channel");
        ChannelId = channel.Id;
    }
}
