using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>
/// An in-process ASP.NET Core application on 127.0.0.1 that behaves on the remote-cluster protocol as Mattermost's
/// server code does. Modelled on mattermost/mattermost (server/): channels/api4/remote_cluster.go (endpoints),
/// platform/services/remotecluster/*.go (auth, invitations, pings, the Response envelope), and
/// platform/services/sharedchannel/*.go (channel invites, sync receive and send, uploads, global user sync).
/// Each behaviour names its source. The peer's "store" is in memory; what it accepted and sent is recorded for tests.
/// </summary>
internal sealed partial class MattermostPeer : IAsyncDisposable
{
    public const string HeaderRemoteId = "X-RemoteCluster-Id";
    public const string HeaderRemoteToken = "X-RemoteCluster-Token";

    // sharedchannel/service.go topics and limits.
    public const string TopicSync = "sharedchannel_sync";
    public const string TopicChannelInvite = "sharedchannel_invite";
    public const string TopicUploadCreate = "sharedchannel_upload";
    public const string TopicChannelMembership = "sharedchannel_membership";
    public const string TopicGlobalUserSync = "sharedchannel_global_user_sync";
    public const string TopicPing = "ping";
    public const string TopicInvitation = "invitation";
    public const int MaxUsersPerSync = 25;
    public const int MaxPostsPerSync = 50;

    /// <summary>app/upload.go: the first write of an upload must be at least this much unless it completes the file.</summary>
    public const long MinFirstPartSize = 5 * 1024 * 1024;

    private const string ErrChannelNotShared = "channel is no longer shared";

    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly Lock _gate = new();
    private readonly List<Task> _callbacks = [];
    private long _lastMillis;

    private MattermostPeer(WebApplication app, MattermostPeerOptions options)
    {
        _app = app;
        Options = options;
        TeamId = MattermostIds.NewId();
    }

    public MattermostPeerOptions Options { get; }

    /// <summary>Gets the peer's site URL (http://127.0.0.1:port).</summary>
    public Uri Url { get; private set; } = null!;

    public string SiteUrl => Url.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets the one team new channels go into (channelinvite.go uses the first team when no default is set).</summary>
    public string TeamId { get; }

    // ---- the store (guarded by _gate) ----

    public Dictionary<string, PeerRemoteCluster> RemoteClusters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PeerChannel> Channels { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PeerSharedChannel> SharedChannels { get; } = new(StringComparer.Ordinal);

    public List<PeerSharedChannelRemote> SharedChannelRemotes { get; } = [];

    public Dictionary<string, PeerUser> Users { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PeerPost> Posts { get; } = new(StringComparer.Ordinal);

    public List<PeerReaction> Reactions { get; } = [];

    public List<PeerAcknowledgement> Acknowledgements { get; } = [];

    public Dictionary<string, PeerStatus> Statuses { get; } = new(StringComparer.Ordinal);

    public HashSet<(string ChannelId, string UserId)> ChannelMembers { get; } = [];

    public List<PeerMembershipChange> MembershipHistory { get; } = [];

    public Dictionary<string, PeerUploadSession> UploadSessions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PeerFile> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>(file, remote) → last sync time: model.SharedChannelAttachment (attachment.go saveSharedAttachment).</summary>
    public Dictionary<(string FileId, string RemoteId), long> SharedChannelAttachments { get; } = [];

    /// <summary>The raw UploadSession payloads of the sharedchannel_upload messages the peer received, in order.</summary>
    public List<string> UploadAnnouncements { get; } = [];

    /// <summary>(user, channel, remote) → last sync time: model.SharedChannelUser.</summary>
    public Dictionary<(string UserId, string ChannelId, string RemoteId), long> SharedChannelUsers { get; } = [];

    /// <summary>Status changes waiting to be sent (the status sync queue).</summary>
    public List<PeerStatus> PendingStatuses { get; } = [];

    /// <summary>System posts the peer wrote (e.g. "This channel is no longer shared.").</summary>
    public List<string> SystemMessages { get; } = [];

    // ---- what happened on the wire ----

    public List<PeerReceipt> Receipts { get; } = [];

    public List<PeerExchange> Outbound { get; } = [];

    public List<PeerInbound> Inbound { get; } = [];

    /// <summary>Gets the HTTP status of each ping the peer sent right after a confirm_invite it received (remotecluster/recv.go PingNow).</summary>
    public List<int> PingsAfterConfirm { get; } = [];

    public static async Task<MattermostPeer> StartAsync(MattermostPeerOptions? options = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        var peer = new MattermostPeer(app, options ?? new MattermostPeerOptions());
        peer.MapEndpoints();
        await app.StartAsync();
        string bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        peer.Url = new Uri(bound);
        return peer;
    }

    /// <summary>Waits for the result callbacks still running (e.g. a channel invite's, which saves its row late).</summary>
    public async Task WhenCallbacksDoneAsync()
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _callbacks];
        }

        await Task.WhenAll(pending);
    }

    public T Read<T>(Func<MattermostPeer, T> read)
    {
        lock (_gate)
        {
            return read(this);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await WhenCallbacksDoneAsync();
        }
        finally
        {
            _http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>model.GetMillis, kept strictly increasing so the peer's own keyset cursors never tie.</summary>
    internal long NowMillis()
    {
        lock (_gate)
        {
            long now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            _lastMillis = Math.Max(now, _lastMillis + 1);
            return _lastMillis;
        }
    }

    private void TrackCallback(Task callback)
    {
        lock (_gate)
        {
            _callbacks.Add(callback);
        }
    }

    // ---- outbound transport (remotecluster/send.go, sendmsg.go) ----

    /// <summary>Posts a frame to the remote as remotecluster sendFrameToRemote does: JSON body, the two headers, no Authorization.</summary>
    private async Task<(int Status, string Body)> SendFrameAsync(string siteUrl, string path, string remoteId, string token, string topic, byte[] payload, CancellationToken cancellationToken = default)
    {
        string msgId = MattermostIds.NewId();
        long createAt = NowMillis();
        byte[] frame = GoJson.ToBytes(w =>
        {
            // model.RemoteClusterFrame / RemoteClusterMsg: no omitempty.
            w.WriteStartObject();
            w.WriteString("remote_id", remoteId);
            w.WriteStartObject("msg");
            w.WriteString("id", msgId);
            w.WriteString("topic", topic);
            w.WriteNumber("create_at", createAt);
            w.WritePropertyName("payload");
            w.WriteRawValue(payload);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(siteUrl), path)) { Content = new ByteArrayContent(frame) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(HeaderRemoteId, remoteId);
        request.Headers.Add(HeaderRemoteToken, token);
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        lock (_gate)
        {
            Outbound.Add(new PeerExchange(path, topic, (int)response.StatusCode, body));
        }

        return ((int)response.StatusCode, body);
    }

    /// <summary>
    /// remotecluster SendMsg to /api/v4/remotecluster/msg. A non-200 is a transport error ("unexpected response");
    /// otherwise the body is the Response envelope.
    /// </summary>
    private async Task<RemoteResponse> SendMsgAsync(PeerRemoteCluster rc, string topic, byte[] payload, CancellationToken cancellationToken = default)
    {
        (int status, string body) = await SendFrameAsync(rc.SiteUrl, "api/v4/remotecluster/msg", rc.RemoteId, rc.RemoteToken, topic, payload, cancellationToken);
        if (status != 200)
        {
            return new RemoteResponse(false, $"unexpected response: {status}", null, TransportError: true);
        }

        using JsonDocument json = JsonDocument.Parse(body);
        string responseStatus = GoJson.GetString(json.RootElement, "status");
        string err = GoJson.GetString(json.RootElement, "err");
        string? rawPayload = json.RootElement.TryGetProperty("payload", out JsonElement p) && p.ValueKind != JsonValueKind.Null ? p.GetRawText() : null;
        return new RemoteResponse(responseStatus == "OK", err, rawPayload, TransportError: false);
    }

    private sealed record RemoteResponse(bool IsSuccess, string Err, string? Payload, bool TransportError);
}

/// <summary>Switches on the peer, as Mattermost's config and feature flags.</summary>
internal sealed record MattermostPeerOptions
{
    /// <summary>Gets the delay between a channel invite's OK reply and the saving of the shared-channel-remote row (the result callback's latency).</summary>
    public TimeSpan InviteCallbackDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Gets a value indicating whether FeatureFlags.EnableSharedChannelsMemberSync is on.</summary>
    public bool EnableSharedChannelsMemberSync { get; init; }

    /// <summary>Gets a value indicating whether global user sync is on (EnableSyncAllUsersForRemoteCluster / SyncUsersOnConnectionOpen).</summary>
    public bool EnableGlobalUserSync { get; init; }

    /// <summary>Gets FileSettings.MaxFileSize.</summary>
    public long MaxFileSize { get; init; } = 100 * 1024 * 1024;

    /// <summary>Gets the peer's connection name for the SDK host: the suffix of munged remote usernames.</summary>
    public string DefaultRemoteName { get; init; } = "sdkhost";
}
