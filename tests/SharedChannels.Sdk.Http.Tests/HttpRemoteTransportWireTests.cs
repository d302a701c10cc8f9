using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Http.Tests.TestSupport;
using SharedChannels.Identity;
using SharedChannels.Invitations;
using SharedChannels.Storage;
using SharedChannels.Testing;

namespace SharedChannels.Http.Tests;

/// <summary>
/// Golden tests of what the SDK puts on the wire through the HTTP transport, captured below HttpClient: an accepting
/// workspace (B) confirms an invitation from A (served under a path prefix) and then pings it.
/// </summary>
public sealed class HttpRemoteTransportWireTests
{
    private const string Admin = "admin0000000000000000000000";
    private const string InviterSiteUrl = "https://a.example.com/mm/";
    private const string OwnSiteUrl = "https://b.example.com";
    private const string RemoteId = "ko8kjhd9e3dq7m3zjy4bqxfgyo";
    private const string InvitationToken = "u1p8mhzyzpnq7cefw9dg7k4h4r";
    private const string IdAlphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

    private static readonly DateTimeOffset AcceptedAt = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PingedAt = AcceptedAt.AddSeconds(30);

    private readonly FakeTimeProvider _time = new(AcceptedAt);
    private ServiceProvider _services = null!;
    private CapturedRequest _confirm = null!;
    private CapturedRequest _ping = null!;
    private ConnectionRecord _record = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        var handler = new CapturingHandler((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath.EndsWith("/ping", StringComparison.Ordinal)
            ? CapturingHandler.Json(HttpStatusCode.OK, $$"""{"sent_at":{{PingedAt.ToUnixTimeMilliseconds()}},"recv_at":{{PingedAt.ToUnixTimeMilliseconds() + 5}}}""")
            : CapturingHandler.Json(HttpStatusCode.OK, """{"status":"OK"}""")));
        var permissions = new InMemoryPermissionChecker();
        permissions.AddSystemAdmin(Admin);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSharedChannels(o =>
            {
                o.EnableRemoteClusterService = true;
                o.SiteUrl = OwnSiteUrl;
            })
            .UseHttpTransport()
            .UsePermissionChecker(permissions);
        services.AddHttpClient(HttpRemoteTransport.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        string code = InvitationCodec.Encrypt(new Invitation { RemoteId = RemoteId, SiteUrl = InviterSiteUrl, Token = InvitationToken }, "pw");
        await _services.GetRequiredService<SecureConnections>().AcceptAsync(Admin, new AcceptInvitationRequest { Name = "org-a", InvitationCode = code, Password = "pw" });
        _time.SetUtcNow(PingedAt);
        await _services.GetRequiredService<ConnectionMonitor>().PingAllAsync();

        Assert.That(handler.Requests, Has.Count.EqualTo(2), "one confirmation, then one ping");
        _confirm = handler.Requests.First();
        _ping = handler.Requests.Last();
        _record = await _services.GetRequiredService<IConnectionStore>().GetAsync(RemoteId) ?? throw new AssertionException("the accepted connection is not stored");
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _services.DisposeAsync();

    [Test]
    public void ConfirmInvitation_Request_PostsToPrefixedPathWithInvitationCredentials()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_confirm.Method, Is.EqualTo(HttpMethod.Post));
            Assert.That(_confirm.Uri.AbsoluteUri, Is.EqualTo("https://a.example.com/mm/api/v4/remotecluster/confirm_invite"));
            Assert.That(_confirm.Header("X-RemoteCluster-Id"), Is.EqualTo(RemoteId));
            Assert.That(_confirm.Header("X-RemoteCluster-Token"), Is.EqualTo(InvitationToken), "the inviter still expects T1");
            Assert.That(_confirm.Header("Content-Type"), Is.EqualTo("application/json"));
            Assert.That(_confirm.Headers.Keys, Has.None.EqualTo("Authorization").IgnoreCase);
        }
    }

    [Test]
    public void ConfirmInvitation_Body_IsFrameWithInvitationPayloadInWireOrder()
    {
        using JsonDocument document = JsonDocument.Parse(_confirm.Body);
        JsonElement msg = AssertFrame(document.RootElement, "invitation", AcceptedAt);
        JsonElement payload = msg.GetProperty("payload");
        string[] names = Names(payload);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names.Take(6), Is.EqualTo(new[] { "remote_id", "remote_team_id", "site_url", "token", "refreshed_token", "version" }));
            Assert.That(names.Skip(6), Has.All.StartWith("sdk_"), "only SDK extensions may follow Mattermost's fields");
            Assert.That(payload.GetProperty("remote_id").GetString(), Is.EqualTo(RemoteId));
            Assert.That(payload.GetProperty("remote_team_id").GetString(), Is.Empty);
            Assert.That(payload.GetProperty("site_url").GetString(), Is.EqualTo(OwnSiteUrl));
            Assert.That(payload.GetProperty("token").GetString(), Is.EqualTo(_record.Token), "T2: what A will present to B");
            Assert.That(payload.GetProperty("refreshed_token").GetString(), Is.EqualTo(_record.RemoteToken), "T3: what B will present to A");
            Assert.That(payload.GetProperty("version").GetInt32(), Is.EqualTo(3));
        }
    }

    [Test]
    public void Ping_Request_PostsToPrefixedPathWithRotatedToken()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_ping.Method, Is.EqualTo(HttpMethod.Post));
            Assert.That(_ping.Uri.AbsoluteUri, Is.EqualTo("https://a.example.com/mm/api/v4/remotecluster/ping"));
            Assert.That(_ping.Header("X-RemoteCluster-Id"), Is.EqualTo(RemoteId));
            Assert.That(_ping.Header("X-RemoteCluster-Token"), Is.EqualTo(_record.RemoteToken));
            Assert.That(_ping.Header("X-RemoteCluster-Token"), Is.Not.EqualTo(InvitationToken));
            Assert.That(_ping.Header("Content-Type"), Is.EqualTo("application/json"));
            Assert.That(_ping.Headers.Keys, Has.None.EqualTo("Authorization").IgnoreCase);
        }
    }

    [Test]
    public void Ping_Body_IsFrameWithSentAtPayload()
    {
        using JsonDocument document = JsonDocument.Parse(_ping.Body);
        JsonElement payload = AssertFrame(document.RootElement, "ping", PingedAt).GetProperty("payload");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Names(payload), Is.EqualTo(new[] { "sent_at" }));
            Assert.That(payload.GetProperty("sent_at").GetInt64(), Is.EqualTo(PingedAt.ToUnixTimeMilliseconds()));
        }
    }

    [Test]
    public void Frames_MessageIds_AreDistinctMattermostIds()
    {
        using JsonDocument confirm = JsonDocument.Parse(_confirm.Body);
        using JsonDocument ping = JsonDocument.Parse(_ping.Body);

        Assert.That(
            confirm.RootElement.GetProperty("msg").GetProperty("id").GetString(),
            Is.Not.EqualTo(ping.RootElement.GetProperty("msg").GetProperty("id").GetString()));
    }

    /// <summary>Checks <c>{"remote_id":R,"msg":{"id":&lt;26&gt;,"topic":…,"create_at":ms,"payload":{…}}}</c> and returns <c>msg</c>.</summary>
    private static JsonElement AssertFrame(JsonElement root, string topic, DateTimeOffset createdAt)
    {
        JsonElement msg = root.GetProperty("msg");
        string id = msg.GetProperty("id").GetString()!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Names(root), Is.EqualTo(new[] { "remote_id", "msg" }));
            Assert.That(root.GetProperty("remote_id").GetString(), Is.EqualTo(RemoteId));
            Assert.That(Names(msg), Is.EqualTo(new[] { "id", "topic", "create_at", "payload" }));
            Assert.That(id, Has.Length.EqualTo(26));
            Assert.That(id.All(c => IdAlphabet.Contains(c, StringComparison.Ordinal)), Is.True, $"'{id}' uses only Mattermost's id alphabet");
            Assert.That(msg.GetProperty("topic").GetString(), Is.EqualTo(topic));
            Assert.That(msg.GetProperty("create_at").GetInt64(), Is.EqualTo(createdAt.ToUnixTimeMilliseconds()));
            Assert.That(msg.GetProperty("payload").ValueKind, Is.EqualTo(JsonValueKind.Object));
        }

        return msg;
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
