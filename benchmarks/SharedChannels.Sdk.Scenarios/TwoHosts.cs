using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Http;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;
using SharedChannels.Samples.Chat;
using SharedChannels.Samples.Ports;
using SharedChannels.Sync;
using SharedChannels.Transport;

namespace SharedChannels.Scenarios;

/// <summary>
/// Two sample hosts on 127.0.0.1 with their SQLite files under one temporary folder: A is the home of a channel shared
/// read-write with B. A sends through a <see cref="ControlledTransport"/>; B stores peers' posts through a
/// <see cref="ProbedInboundTransactions"/>. Otherwise both are the sample host exactly as it ships.
/// </summary>
internal sealed class TwoHosts : IAsyncDisposable
{
    private TwoHosts(string root, SampleHost a, SampleHost b, ArrivalProbe probe, ReceiverTimeline receiver)
    {
        Receiver = receiver;
        Root = root;
        A = a;
        B = b;
        Probe = probe;
        // Clients of A's chat API, as many as a busy workspace has: a pool of 64 keep-alive connections (an open loop of
        // 2 000 posts/s would otherwise open a new connection for every request that finds the others busy).
        ChatA = new ChatClient(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false }) { BaseAddress = a.Url });
    }

    public string Root { get; }

    public SampleHost A { get; }

    public SampleHost B { get; }

    public ChatClient ChatA { get; }

    public ArrivalProbe Probe { get; }

    /// <summary>Gets the apply and commit times of B's inbound transactions.</summary>
    public ReceiverTimeline Receiver { get; }

    public ControlledTransport Transport => A.Services.GetRequiredService<ControlledTransport>();

    public SharedChannelSync SyncA => A.Services.GetRequiredService<SharedChannelSync>();

    public ChatDatabase DatabaseA => A.Services.GetRequiredService<ChatDatabase>();

    public ChatDatabase DatabaseB => B.Services.GetRequiredService<ChatDatabase>();

    /// <summary>Gets the local users of A who write the posts.</summary>
    public IReadOnlyList<string> AuthorIds { get; private set; } = [];

    public string ChannelId { get; private set; } = string.Empty;

    public static async Task<TwoHosts> StartAsync(Action<SharedChannelsOptions> configureSdk, int? groupCommit, CancellationToken cancellationToken)
    {
        string root = Path.Combine(Path.GetTempPath(), "sharedchannels-scenarios-" + Guid.NewGuid().ToString("N")[..8]);
        var probe = new ArrivalProbe();
        var receiver = new ReceiverTimeline();
        SampleHostOptions aOptions = Options(Path.Combine(root, "a"), configureSdk, services =>
        {
            services.TryAddSingleton(sp => new ControlledTransport(sp.GetRequiredService<HttpRemoteTransport>()));
            services.Replace(ServiceDescriptor.Singleton<IRemoteTransport>(sp => sp.GetRequiredService<ControlledTransport>()));
        });
        SampleHostOptions bOptions = Options(Path.Combine(root, "b"), configureSdk, services =>
        {
            services.TryAddSingleton<SqliteInboundTransactions>();
            services.Replace(ServiceDescriptor.Singleton<IInboundTransactionFactory>(sp => new ProbedInboundTransactions(sp.GetRequiredService<SqliteInboundTransactions>(), probe, receiver, groupCommit)));
        });

        SampleHost a = await SampleHost.StartAsync(aOptions, cancellationToken);
        SampleHost b = await SampleHost.StartAsync(bOptions, cancellationToken);
        var hosts = new TwoHosts(root, a, b, probe, receiver);
        try
        {
            await hosts.ConnectAndShareAsync(cancellationToken);
            return hosts;
        }
        catch
        {
            await hosts.DisposeAsync();
            throw;
        }
    }

    /// <summary>Cuts the link from A to B: A's sends and pings fail, as with a peer that is down.</summary>
    public void CutLink() => Transport.CutLink();

    public void RestoreLink() => Transport.RestoreLink();

    /// <summary>
    /// Has A ping its peers now rather than at its next round (every minute): the ping succeeds, A notices the
    /// connection answers again after failed sends and catches up every channel shared with it, as it would on its own
    /// within a minute of the peer coming back.
    /// </summary>
    public Task PingFromAAsync(CancellationToken cancellationToken) =>
        A.Services.GetRequiredService<ConnectionMonitor>().PingAllAsync(cancellationToken);

    /// <summary>Waits until neither sync engine has work running or due.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        await SyncA.WhenIdleAsync(cancellationToken);
        await B.Services.GetRequiredService<SharedChannelSync>().WhenIdleAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        ChatA.Dispose();
        await B.DisposeAsync();
        await A.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"Could not delete {Root}: {ex.Message}");
        }
    }

    private static SampleHostOptions Options(string dataDirectory, Action<SharedChannelsOptions> configureSdk, Action<IServiceCollection> configureServices) => new()
    {
        DataDirectory = dataDirectory,

        // The outage makes A log a warning per failed attempt and ping: expected here, and noise in the report.
        MinimumLogLevel = LogLevel.Error,
        ConfigureSharedChannels = configureSdk,
        ConfigureServices = configureServices,
    };

    private async Task ConnectAndShareAsync(CancellationToken cancellationToken)
    {
        using ChatClient chatB = B.CreateClient();
        UserView adminA = await ChatA.CreateUserAsync("alice", isAdmin: true, cancellationToken);
        UserView adminB = await chatB.CreateUserAsync("bob", isAdmin: true, cancellationToken);
        var authors = new List<string>();
        foreach (string name in new[] { "john", "mary", "wei", "ana" })
        {
            authors.Add((await ChatA.CreateUserAsync(name, cancellationToken: cancellationToken)).Id);
        }

        InvitationView invitation = await ChatA.CreateConnectionAsync(adminA.Id, "chat-b", cancellationToken: cancellationToken);
        ConnectionView accepted = await chatB.AcceptConnectionAsync(adminB.Id, "chat-a", invitation.InvitationCode, invitation.Password, cancellationToken);
        if (accepted.State != nameof(ConnectionState.Connected))
        {
            throw new InvalidOperationException($"B accepted A's invitation but the connection is {accepted.State}.");
        }

        ChannelView channel = await ChatA.CreateChannelAsync("town-square", adminA.Id, "Town Square", cancellationToken);
        SharedChannelView shared = await ChatA.ShareChannelAsync(adminA.Id, channel.Id, invitation.ConnectionId, cancellationToken: cancellationToken);
        if (!shared.InvitationAccepted)
        {
            throw new InvalidOperationException("B did not receive the shared channel.");
        }

        ChannelId = channel.Id;
        AuthorIds = authors;
    }
}
