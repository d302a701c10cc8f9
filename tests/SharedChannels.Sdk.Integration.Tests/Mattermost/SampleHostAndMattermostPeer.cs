using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharedChannels.Connections;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;
using SharedChannels.Sync;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>
/// One sample chat host (the SDK over HTTP and SQLite, driven through its chat and admin API) and one
/// <see cref="MattermostPeer"/>, both on 127.0.0.1, with an admin and a user named john on the host.
/// </summary>
internal sealed class SampleHostAndMattermostPeer : IAsyncDisposable
{
    public const string PeerName = "mattermost";
    public const string Password = "Ultra secret password!";

    private readonly string _root;

    private SampleHostAndMattermostPeer(string root, SampleHost host, MattermostPeer peer)
    {
        _root = root;
        Host = host;
        Peer = peer;
        Chat = host.CreateClient();
    }

    public SampleHost Host { get; }

    public MattermostPeer Peer { get; }

    public ChatClient Chat { get; }

    public UserView Admin { get; private set; } = null!;

    public UserView John { get; private set; } = null!;

    /// <summary>Gets the connection's remote id, the same on both sides.</summary>
    public string ConnectionId { get; private set; } = null!;

    public static async Task<SampleHostAndMattermostPeer> StartAsync(MattermostPeerOptions? peerOptions = null, Action<SharedChannelsOptions>? hostOptions = null)
    {
        string root = Path.Combine(Path.GetTempPath(), "sharedchannels-mm-" + Guid.NewGuid().ToString("N")[..8]);
        SampleHost host = await SampleHost.StartAsync(new SampleHostOptions { DataDirectory = Path.Combine(root, "host"), MinimumLogLevel = LogLevel.Warning, ConfigureSharedChannels = hostOptions });
        MattermostPeer peer = await MattermostPeer.StartAsync(peerOptions);
        var pair = new SampleHostAndMattermostPeer(root, host, peer);
        pair.Admin = await pair.Chat.CreateUserAsync("admin", isAdmin: true);
        pair.John = await pair.Chat.CreateUserAsync("john");
        return pair;
    }

    /// <summary>The peer creates the invitation; the host's admin accepts it (the host confirms with the peer).</summary>
    public async Task<ConnectionView> ConnectPeerInvitesAsync()
    {
        (string remoteId, string code) = Peer.CreateInvitation("sdkhost", Password);
        ConnectionView accepted = await Chat.AcceptConnectionAsync(Admin.Id, PeerName, code, Password);
        ConnectionId = remoteId;
        return accepted;
    }

    /// <summary>The host's admin creates the invitation; the peer accepts it (the peer confirms with the host). Returns the peer's error, if any.</summary>
    public async Task<string?> ConnectHostInvitesAsync()
    {
        InvitationView invitation = await Chat.CreateConnectionAsync(Admin.Id, PeerName);
        ConnectionId = invitation.ConnectionId;
        return await Peer.AcceptInvitationAsync("sdkhost", invitation.InvitationCode, invitation.Password);
    }

    public Task<RemoteConnection?> GetConnectionAsync() =>
        Host.Services.GetRequiredService<SecureConnections>().GetAsync(Admin.Id, ConnectionId);

    public SharedChannelSync Sync => Host.Services.GetRequiredService<SharedChannelSync>();

    /// <summary>Waits (polling, after the host's sync is idle) until <paramref name="condition"/> holds; fails the test after the timeout.</summary>
    public Task WaitUntilAsync(string what, Func<CancellationToken, Task<bool>> condition) =>
        SharedChannels.TestSupport.Polling.WaitUntilAsync(what, condition, Sync.WhenIdleAsync);

    public Task WaitUntilAsync(string what, Func<bool> condition) => WaitUntilAsync(what, _ => Task.FromResult(condition()));

    /// <summary>The host's posts in a channel, or none while the channel does not exist there.</summary>
    public async Task<IReadOnlyList<PostView>> HostPostsAsync(string channelId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Chat.GetPostsAsync(channelId, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    /// <summary>Reads one value from the host's chat database (the sample API shows no acknowledgements or statuses).</summary>
    public async Task<object?> QueryHostAsync(string sql, params (string Name, object Value)[] parameters)
    {
        string file = Path.Combine(Host.Options.DataDirectory, SampleHost.ChatDatabaseFile);
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await db.OpenAsync();
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>Receipts the peer accepted more than once: something the host sent again after the peer had it.</summary>
    public IReadOnlyList<string> DuplicateReceipts(params string[] kinds) => Peer.Read(p => p.Receipts
        .Where(r => kinds.Contains(r.Kind))
        .GroupBy(r => r)
        .Where(g => g.Count() > 1)
        .Select(g => $"{g.Key.Kind} {g.Key.Key} x{g.Count()}")
        .ToList());

    public async ValueTask DisposeAsync()
    {
        Chat.Dispose();
        await Host.DisposeAsync();
        await Peer.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }
}
