using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Http.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.Http.Tests;

/// <summary>
/// Two SDK hosts federating over real HTTP: A at the root of its origin, B under a path base with a trailing slash
/// (<c>http://127.0.0.1:{port}/chat/</c>).
/// </summary>
[Category("Integration")]
public sealed class HttpFederationTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private HttpTestHost _a = null!;
    private HttpTestHost _b = null!;
    private string _connectionId = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _a = await HttpTestHost.StartAsync(_time);
        _b = await HttpTestHost.StartAsync(_time, pathBase: "/chat/");
        _connectionId = await _a.ConnectToAsync(_b, "shared");
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AcceptAsync_OverHttp_BothSidesConnectedWithEachOthersUrl(CancellationToken cancellationToken)
    {
        ConnectionInvitation invitation = await _a.Connections.CreateAsync(HttpTestHost.Admin, new CreateConnectionRequest { Name = "org-b", Password = "pw" }, cancellationToken);

        RemoteConnection onB = await _b.Connections.AcceptAsync(HttpTestHost.Admin, new AcceptInvitationRequest { Name = "org-a", InvitationCode = invitation.InvitationCode, Password = "pw" }, cancellationToken);

        RemoteConnection? onA = await _a.Connections.GetAsync(HttpTestHost.Admin, invitation.Connection.Id, cancellationToken);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onB.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(onB.SiteUrl, Is.EqualTo(_a.SiteUrl));
            Assert.That(onA, Is.Not.Null);
            Assert.That(onA!.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(onA.InvitationAccepted, Is.True);
            Assert.That(onA.SiteUrl?.TrimEnd('/'), Is.EqualTo(_b.SiteUrl.TrimEnd('/')));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task PingAllAsync_ConnectedOverHttp_RecordsLastPingAtOnTheSenderEachWay(CancellationToken cancellationToken)
    {
        DateTimeOffset? bBefore = (await _b.RecordAsync(_connectionId)).LastPingAt;
        _time.Advance(TimeSpan.FromSeconds(10));

        await _a.Monitor.PingAllAsync(cancellationToken);
        ConnectionRecord aAfterOwnPing = await _a.RecordAsync(_connectionId);
        ConnectionRecord bUntouched = await _b.RecordAsync(_connectionId);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _b.Monitor.PingAllAsync(cancellationToken);
        ConnectionRecord bAfterOwnPing = await _b.RecordAsync(_connectionId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(aAfterOwnPing.LastPingAt, Is.EqualTo(_time.GetUtcNow().AddSeconds(-10)), "A → B (under /chat/) answered");
            Assert.That(bUntouched.LastPingAt, Is.EqualTo(bBefore), "an inbound ping does not count for the receiver");
            Assert.That(bAfterOwnPing.LastPingAt, Is.EqualTo(_time.GetUtcNow()), "B → A answered");
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Federation_OverHttp_LogsNoTokens(CancellationToken cancellationToken)
    {
        await _a.Monitor.PingAllAsync(cancellationToken);
        await _b.Monitor.PingAllAsync(cancellationToken);

        string[] secrets = [.. (await _a.Store.ListAsync(cancellationToken)).Concat(await _b.Store.ListAsync(cancellationToken))
            .SelectMany(c => new[] { c.Token, c.RemoteToken })
            .OfType<string>()];
        string logs = _a.Logs.AllText + "\n" + _b.Logs.AllText;

        Assert.That(secrets, Is.Not.Empty);
        Assert.That(logs, Does.Contain("X-RemoteCluster-Token"), "HttpClient's trace logging of headers is on, so the check is meaningful");
        foreach (string secret in secrets)
        {
            Assert.That(logs, Does.Not.Contain(secret));
        }
    }
}
