using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Http.Tests.TestSupport;
using SharedChannels.Storage;

namespace SharedChannels.Http.Tests.Builder;

/// <summary>Raw HTTP against the mapped endpoints of a real Kestrel host, as a peer (or an attacker) would send it.</summary>
[Category("Integration")]
public sealed class RemoteClusterEndpointsIntegrationTests
{
    private const int MaxFrameBytes = 65_536;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private HttpTestHost _a = null!;
    private HttpTestHost _b = null!;
    private HttpClient _client = null!;
    private ConnectionRecord _connection = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _a = await HttpTestHost.StartAsync(_time, configure: o => o.MaxFrameBytes = MaxFrameBytes);
        _b = await HttpTestHost.StartAsync(_time);
        string id = await _a.ConnectToAsync(_b, "peer");

        // On A: Token is what B presents to A (T3). Raw requests below impersonate B.
        _connection = await _a.RecordAsync(id);
        _client = _a.CreateRawClient();
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _client.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Ping_MissingRemoteClusterId_Returns401WithFailReply(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await PostAsync("api/v4/remotecluster/ping", PingFrame(), remoteId: null, token: _connection.Token, cancellationToken);

        await AssertFailAsync(response, HttpStatusCode.Unauthorized, cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Message_WrongToken_Returns401WithFailReply(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await PostAsync("api/v4/remotecluster/msg", PingFrame(), _connection.RemoteId, token: "wrongtokenwrongtokenwrongt", cancellationToken);

        await AssertFailAsync(response, HttpStatusCode.Unauthorized, cancellationToken);
    }

    [TestCase(null, TestName = "Message_UnknownConnectionWithLargeBody_Returns401BeforeReadingTheBody")]
    [TestCase("wrongtokenwrongtokenwrongt", TestName = "Message_WrongTokenWithLargeBody_Returns401BeforeReadingTheBody")]
    [CancelAfter(30_000)]
    public async Task Message_UnauthenticatedWithLargeBody_Returns401BeforeReadingTheBody(string? token, CancellationToken cancellationToken)
    {
        // A chunked body (the server learns its size only by reading it), of which only the first 64 KiB are sent: a
        // server that read the body before checking the credentials in the headers would wait for the rest, and the
        // answer would never come.
        string remoteId = token is null ? "unknownconnection000000000" : _connection.RemoteId;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_client.BaseAddress!.Host, _client.BaseAddress.Port, cancellationToken);
        await using System.Net.Sockets.NetworkStream stream = tcp.GetStream();
        string head =
            "POST /api/v4/remotecluster/msg HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n" +
            $"X-RemoteCluster-Id: {remoteId}\r\nX-RemoteCluster-Token: {token ?? _connection.Token}\r\n\r\n10000\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(new string('x', 0x10000) + "\r\n"), cancellationToken);

        byte[] answer = new byte[4096];
        int read = await stream.ReadAsync(answer, cancellationToken);

        string text = Encoding.ASCII.GetString(answer, 0, read);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.StartWith("HTTP/1.1 401"), "answered while the rest of the body was never sent");
            Assert.That(text, Does.Contain("missing or invalid credentials"));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Message_BodyThatStallsBelowTheMinimumDataRate_IsDroppedWithAWarningAndNoError(CancellationToken cancellationToken)
    {
        // Authenticated, so the body is read; 10 of the announced 60 000 bytes arrive, then nothing.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_client.BaseAddress!.Host, _client.BaseAddress.Port, cancellationToken);
        await using System.Net.Sockets.NetworkStream stream = tcp.GetStream();
        string head =
            "POST /api/v4/remotecluster/msg HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n" +
            $"X-RemoteCluster-Id: {_connection.RemoteId}\r\nX-RemoteCluster-Token: {_connection.Token}\r\n\r\n{{\"remote_i";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);

        // The server gives up on the body (Kestrel's minimum data rate) and closes the connection.
        byte[] rest = new byte[4096];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(rest, cancellationToken)) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset rather than closed: the same outcome.
        }

        await WaitForLogAsync(l => l.Contains("[3051]", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal), cancellationToken);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_a.Logs.Lines.Where(l => l.Contains("[3051]", StringComparison.Ordinal)), Is.Not.Empty, "one warning for the dropped request");
            Assert.That(_a.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)), Is.Empty, "no unhandled error with a stack trace");
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Message_InvalidJsonWithValidCredentials_Returns400WithFailReply(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await PostAsync("api/v4/remotecluster/msg", "{not json", _connection.RemoteId, _connection.Token, cancellationToken);

        await AssertFailAsync(response, HttpStatusCode.BadRequest, cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Message_ContentLengthOverMaxFrameBytes_Returns413WithFailReply(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await PostAsync("api/v4/remotecluster/msg", new string(' ', MaxFrameBytes + 1), _connection.RemoteId, _connection.Token, cancellationToken);

        string err = await AssertFailAsync(response, HttpStatusCode.RequestEntityTooLarge, cancellationToken);
        Assert.That(err, Does.Contain(MaxFrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Message_ChunkedBodyOverMaxFrameBytes_Returns413WithFailReply(CancellationToken cancellationToken)
    {
        using var content = new StreamContent(new GeneratedStream(MaxFrameBytes + 1));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpRequestMessage request = Request("api/v4/remotecluster/msg", content, _connection.RemoteId, _connection.Token);

        using HttpResponseMessage response = await _client.SendAsync(request, cancellationToken);

        Assert.That(request.Headers.TransferEncodingChunked, Is.True, "the body was sent without Content-Length");
        await AssertFailAsync(response, HttpStatusCode.RequestEntityTooLarge, cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Message_BodyOfExactlyMaxFrameBytes_IsNotRefusedForItsSize(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await PostAsync("api/v4/remotecluster/msg", "{" + new string(' ', MaxFrameBytes - 1), _connection.RemoteId, _connection.Token, cancellationToken);

        await AssertFailAsync(response, HttpStatusCode.BadRequest, cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Ping_ValidCredentials_ReturnsBareSentAtAndRecvAt(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await PostAsync("api/v4/remotecluster/ping", PingFrame(sentAt: 1234), _connection.RemoteId, _connection.Token, cancellationToken);

        using JsonDocument reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(reply.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "sent_at", "recv_at" }));
            Assert.That(reply.RootElement.GetProperty("sent_at").GetInt64(), Is.EqualTo(1234));
            Assert.That(reply.RootElement.GetProperty("recv_at").GetInt64(), Is.EqualTo(_time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_ValidCredentials_ReachesTheDispatcher(CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using HttpRequestMessage request = Request("api/v4/remotecluster/upload/abcdefghijklmnopqrstuvwxyz", content, _connection.RemoteId, _connection.Token);

        using HttpResponseMessage response = await _client.SendAsync(request, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.Not.EqualTo(HttpStatusCode.NotFound).And.Not.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Ping_GetInsteadOfPost_IsNotHandled(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _client.GetAsync(new Uri("api/v4/remotecluster/ping", UriKind.Relative), cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    private static async Task<string> AssertFailAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        using JsonDocument reply = JsonDocument.Parse(text);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(expected), text);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(reply.RootElement.GetProperty("status").GetString(), Is.EqualTo("FAIL"));
            Assert.That(reply.RootElement.GetProperty("err").GetString(), Is.Not.Empty);
        }

        return reply.RootElement.GetProperty("err").GetString()!;
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SignedRequest_ReplayedOrTampered_Returns401(CancellationToken cancellationToken)
    {
        string body = PingFrame(sentAt: 77);
        long timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
        string signature = Sign(_connection.Token, timestamp, "Ping", Encoding.UTF8.GetBytes(body));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        using HttpResponseMessage first = await SendSignedAsync(body, timestamp, signature, cancellationToken);
        using HttpResponseMessage replay = await SendSignedAsync(body, timestamp, signature, cancellationToken);
        using HttpResponseMessage tampered = await SendSignedAsync(body.Replace("77", "78", StringComparison.Ordinal), timestamp + 1, signature, cancellationToken);
        using HttpResponseMessage stale = await SendSignedAsync(body, timestamp - 600_000, Sign(_connection.Token, timestamp - 600_000, "Ping", Encoding.UTF8.GetBytes(body)), cancellationToken);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await AssertFailAsync(replay, HttpStatusCode.Unauthorized, cancellationToken), Does.Contain("replayed"));
        Assert.That(await AssertFailAsync(tampered, HttpStatusCode.Unauthorized, cancellationToken), Does.Contain("does not match"));
        Assert.That(await AssertFailAsync(stale, HttpStatusCode.Unauthorized, cancellationToken), Does.Contain("stale"));
    }

    private async Task<HttpResponseMessage> SendSignedAsync(string body, long timestamp, string signature, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpRequestMessage request = Request("api/v4/remotecluster/ping", content, _connection.RemoteId, _connection.Token);
        request.Headers.Add("X-SharedChannels-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-SharedChannels-Signature", signature);
        return await _client.SendAsync(request, cancellationToken);
    }

    private string PingFrame(long sentAt = 1) =>
        $$"""{"remote_id":"{{_connection.RemoteId}}","msg":{"id":"{{new string('y', 26)}}","topic":"ping","create_at":{{sentAt}},"payload":{"sent_at":{{sentAt}}""" + "}}}";

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string? remoteId, string? token, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpRequestMessage request = Request(path, content, remoteId, token);
        if (token is not null)
        {
            // Two SDK hosts agreed on signed frames at confirmation; sign as an SDK peer does (docs/security.md).
            long timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
            string endpoint = path.Contains("/ping", StringComparison.Ordinal) ? "Ping" : "Message";
            request.Headers.Add("X-SharedChannels-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-SharedChannels-Signature", Sign(token, timestamp, endpoint, Encoding.UTF8.GetBytes(body)));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        return await _client.SendAsync(request, cancellationToken);
    }

    /// <summary>An independent implementation of the signature scheme, so the test checks the documented format.</summary>
    private static string Sign(string token, long timestamp, string endpoint, byte[] body)
    {
        byte[] key = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("sharedchannels/frame-signature/v1:" + token));
        using var hmac = new System.Security.Cryptography.HMACSHA256(key);
        byte[] signed = [.. Encoding.ASCII.GetBytes($"{timestamp}.{endpoint}."), .. body];
        return Convert.ToBase64String(hmac.ComputeHash(signed));
    }

    /// <summary>Polls the captured log for a line (the request's end is logged just after the connection closes).</summary>
    private async Task WaitForLogAsync(Func<string, bool> line, CancellationToken cancellationToken)
    {
        while (!_a.Logs.Lines.Any(line))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private static HttpRequestMessage Request(string path, HttpContent content, string? remoteId, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (remoteId is not null)
        {
            request.Headers.Add("X-RemoteCluster-Id", remoteId);
        }

        if (token is not null)
        {
            request.Headers.Add("X-RemoteCluster-Token", token);
        }

        return request;
    }
}
