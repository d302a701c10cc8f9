using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Connections;

/// <summary>
/// Mattermost's confirm_invite handler saves the confirmed connection and pings the accepting side at once, before it
/// writes its answer. The accepting side must already take that ping (with the token its confirmation carried), or
/// Mattermost marks the new connection offline until its next ping round.
/// </summary>
public sealed class InviterPingsBeforeReplyingTests
{
    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private TestWorkspace _a = null!;
    private TestWorkspace _b = null!;
    private PingingInviterTransport _transportB = null!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _a = await TestWorkspace.StartAsync("a", _network, _time);
        _transportB = new PingingInviterTransport(_network, new Uri("https://b.test"));
        _b = await TestWorkspace.StartAsync("b", _network, _time, services: s => s.AddSingleton<IRemoteTransport>(_transportB));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    public async Task AcceptAsync_InviterPingsBeforeItAnswersTheConfirmation_PingIsAnsweredOk()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });

        RemoteConnection accepted = await _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_transportB.PingStatus, Is.EqualTo(200), "the ping sent between confirming and answering");
            Assert.That(accepted.State, Is.EqualTo(ConnectionState.Connected));
        }
    }

    [Test]
    public async Task AcceptAsync_InviterRefusesAfterPinging_LeavesNothingAndTheTokenStopsWorking()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });
        _transportB.RefuseConfirmation = true;

        Assert.ThrowsAsync<SharedChannelsException>(() => _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" }));
        RemoteResponse late = await _transportB.PingAgainAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_transportB.PingStatus, Is.EqualTo(200), "the ping while the confirmation was in flight");
            Assert.That(await _b.Store.ListAsync(), Is.Empty, "the failed acceptance is rolled back");
            Assert.That(late.StatusCode, Is.EqualTo(401), "the token of the failed acceptance opens nothing");
        }
    }

    /// <summary>
    /// B's transport. For B's confirmation it plays the inviter's part the way Mattermost orders it: it takes the
    /// token the confirmation hands over, pings B with it, then lets the confirmation through (or refuses it).
    /// </summary>
    private sealed class PingingInviterTransport(LoopbackNetwork network, Uri accepterSiteUrl) : IRemoteTransport
    {
        private readonly LoopbackTransport _inner = new(network);
        private RemoteRequest? _ping;

        public int? PingStatus { get; private set; }

        public bool RefuseConfirmation { get; set; }

        public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
        {
            if (request.Endpoint != RemoteEndpoint.ConfirmInvitation)
            {
                return await _inner.SendAsync(siteUrl, request, cancellationToken);
            }

            using JsonDocument frame = JsonDocument.Parse(request.Body);
            JsonElement payload = frame.RootElement.GetProperty("msg").GetProperty("payload");
            string remoteId = payload.GetProperty("remote_id").GetString()!;
            string token = payload.GetProperty("token").GetString()!;
            _ping = new RemoteRequest
            {
                Endpoint = RemoteEndpoint.Ping,
                RemoteId = remoteId,
                Token = token,
                Body = Encoding.UTF8.GetBytes("{\"remote_id\":\"" + remoteId + "\",\"msg\":{\"id\":\"ping0000000000000000000aaa\",\"topic\":\"ping\",\"create_at\":1,\"payload\":{\"sent_at\":1}}}"),
            };
            PingStatus = (await _inner.SendAsync(accepterSiteUrl, _ping, cancellationToken)).StatusCode;
            return RefuseConfirmation
                ? new RemoteResponse(400, """{"status":"FAIL","err":"invalid confirmation"}"""u8.ToArray())
                : await _inner.SendAsync(siteUrl, request, cancellationToken);
        }

        public Task<RemoteResponse> PingAgainAsync() => _inner.SendAsync(accepterSiteUrl, _ping!);
    }
}
