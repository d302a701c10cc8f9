using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SharedChannels.Http.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Http.Tests;

public sealed class HttpRemoteTransportTests
{
    private const string RemoteId = "ko8kjhd9e3dq7m3zjy4bqxfgyo";
    private const string Token = "u1p8mhzyzpnq7cefw9dg7k4h4r";
    private static readonly Uri SiteUrl = new("https://peer.example.com");

    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [TestCase(RemoteEndpoint.Ping, "https://peer.example.com/api/v4/remotecluster/ping")]
    [TestCase(RemoteEndpoint.Message, "https://peer.example.com/api/v4/remotecluster/msg")]
    [TestCase(RemoteEndpoint.ConfirmInvitation, "https://peer.example.com/api/v4/remotecluster/confirm_invite")]
    public async Task SendAsync_Endpoint_PostsToItsPath(RemoteEndpoint endpoint, string expectedUrl)
    {
        var handler = new CapturingHandler();

        await CreateTransport(handler).SendAsync(SiteUrl, Request(endpoint));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(handler.Single.Method, Is.EqualTo(HttpMethod.Post));
            Assert.That(handler.Single.Uri.AbsoluteUri, Is.EqualTo(expectedUrl));
        }
    }

    [TestCase("https://chat.example.com")]
    [TestCase("https://chat.example.com/")]
    [TestCase("https://example.com/chat")]
    [TestCase("https://example.com/chat/")]
    [TestCase("https://example.com/chat/?tab=1#top")]
    public async Task SendAsync_SiteUrlWithOrWithoutPrefixAndSlash_JoinsPathOnce(string siteUrl)
    {
        var handler = new CapturingHandler();
        Uri site = new(siteUrl);
        string expected = site.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/api/v4/remotecluster/msg";

        await CreateTransport(handler).SendAsync(site, Request(RemoteEndpoint.Message));

        Assert.That(handler.Single.Uri.AbsoluteUri, Is.EqualTo(expected));
        Assert.That(handler.Single.Uri.AbsoluteUri, Does.Not.Contain("//api"));
    }

    [Test]
    public async Task SendAsync_ProfileImage_PostsMultipartFieldImageToTheUsersImagePath_ThatTheEndpointReadsBack()
    {
        var handler = new CapturingHandler();
        byte[] image = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        var request = new RemoteRequest { Endpoint = RemoteEndpoint.ProfileImage, RemoteId = RemoteId, Token = Token, UserId = "user0000000000000000000001", Body = image };

        await CreateTransport(handler).SendAsync(SiteUrl, request);

        // As Mattermost's sendProfileImage: multipart/form-data, the bytes in the form file "image".
        string contentType = handler.Single.Header("Content-Type")!;
        string boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType).Boundary).Value!;
        ReadOnlyMemory<byte>? field = await Http.Internal.RemoteClusterRequestHandler.ReadPartAsync(handler.Single.Body, boundary, "image", CancellationToken.None);
        ReadOnlyMemory<byte>? missing = await Http.Internal.RemoteClusterRequestHandler.ReadPartAsync(handler.Single.Body, boundary, "picture", CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(handler.Single.Uri.AbsoluteUri, Is.EqualTo("https://peer.example.com/api/v4/remotecluster/user0000000000000000000001/image"));
            Assert.That(contentType, Does.StartWith("multipart/form-data"));
            Assert.That(Encoding.UTF8.GetString(handler.Single.Body), Does.Contain("name=image; filename=profile.png"));
            Assert.That(field?.ToArray(), Is.EqualTo(image));
            Assert.That(missing, Is.Null);
        }
    }

    [Test]
    public async Task SendAsync_Upload_PostsRawBytesToUploadPathAsOctetStream()
    {
        var handler = new CapturingHandler();
        byte[] file = [0, 1, 2, 250, 255];

        await CreateTransport(handler).SendAsync(SiteUrl, Request(RemoteEndpoint.Upload, body: file, uploadId: "up/load id"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(handler.Single.Uri.AbsoluteUri, Is.EqualTo("https://peer.example.com/api/v4/remotecluster/upload/up%2Fload%20id"));
            Assert.That(handler.Single.Header("Content-Type"), Is.EqualTo("application/octet-stream"));
            Assert.That(handler.Single.Body, Is.EqualTo(file));
        }
    }

    [Test]
    public void SendAsync_UploadWithoutUploadId_ThrowsArgumentException()
    {
        var handler = new CapturingHandler();

        Assert.ThrowsAsync<ArgumentException>(() => CreateTransport(handler).SendAsync(SiteUrl, Request(RemoteEndpoint.Upload)));
        Assert.That(handler.Requests, Is.Empty);
    }

    [TestCase("ftp://peer.example.com")]
    [TestCase("/relative/path")]
    public void SendAsync_NotAnAbsoluteHttpUrl_ThrowsArgumentException(string siteUrl)
    {
        var handler = new CapturingHandler();

        var ex = Assert.ThrowsAsync<ArgumentException>(() => CreateTransport(handler).SendAsync(new Uri(siteUrl, UriKind.RelativeOrAbsolute), Request(RemoteEndpoint.Ping)));

        Assert.That(ex!.Message, Does.Contain("absolute http or https"));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task SendAsync_Credentials_SendsRemoteClusterHeadersAndJsonWithoutAuthorization()
    {
        var handler = new CapturingHandler();
        byte[] body = Encoding.UTF8.GetBytes("""{"remote_id":"x"}""");

        await CreateTransport(handler).SendAsync(SiteUrl, Request(RemoteEndpoint.Message, body: body));

        CapturedRequest sent = handler.Single;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sent.Header("X-RemoteCluster-Id"), Is.EqualTo(RemoteId));
            Assert.That(sent.Header("X-RemoteCluster-Token"), Is.EqualTo(Token));
            Assert.That(sent.Header("Content-Type"), Is.EqualTo("application/json"));
            Assert.That(sent.Headers.Keys, Has.None.EqualTo("Authorization").IgnoreCase);
            Assert.That(sent.Headers.Keys, Has.None.StartsWith("X-SharedChannels-"));
            Assert.That(sent.Body, Is.EqualTo(body));
        }
    }

    [Test]
    public async Task SendAsync_NoCredentials_OmitsCredentialHeaders()
    {
        var handler = new CapturingHandler();

        await CreateTransport(handler).SendAsync(SiteUrl, new RemoteRequest { Endpoint = RemoteEndpoint.Ping, Body = "{}"u8.ToArray() });

        Assert.That(handler.Single.Headers.Keys, Has.None.StartsWith("X-RemoteCluster-"));
    }

    [Test]
    public async Task SendAsync_Signed_SendsSignatureAndTimestampHeaders()
    {
        var handler = new CapturingHandler();
        var request = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Message,
            RemoteId = RemoteId,
            Token = Token,
            Body = "{}"u8.ToArray(),
            Signature = "v1=3q2+7w==",
            SignatureTimestamp = 1_795_608_000_123,
        };

        await CreateTransport(handler).SendAsync(SiteUrl, request);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(handler.Single.Header(SharedChannelsHttpHeaders.Signature), Is.EqualTo("v1=3q2+7w=="));
            Assert.That(handler.Single.Header(SharedChannelsHttpHeaders.SignatureTimestamp), Is.EqualTo("1795608000123"));
        }
    }

    [Test]
    public async Task SendAsync_PeerRefuses_ReturnsStatusAndBodyWithoutThrowing()
    {
        var handler = new CapturingHandler((_, _) => Task.FromResult(CapturingHandler.Json(HttpStatusCode.Unauthorized, """{"status":"FAIL","err":"no"}""")));

        RemoteResponse response = await CreateTransport(handler).SendAsync(SiteUrl, Request(RemoteEndpoint.Message));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(401));
            Assert.That(Encoding.UTF8.GetString(response.Body.Span), Is.EqualTo("""{"status":"FAIL","err":"no"}"""));
        }
    }

    [Test]
    public async Task SendAsync_ReplyOfExactlyMaxResponseBytes_ReturnsIt()
    {
        var handler = new CapturingHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[1024]) }));

        RemoteResponse response = await CreateTransport(handler, new HttpRemoteTransportOptions { MaxResponseBytes = 1024 }).SendAsync(SiteUrl, Request(RemoteEndpoint.Message));

        Assert.That(response.Body.Length, Is.EqualTo(1024));
    }

    [Test]
    public void SendAsync_AnnouncedReplyOverMaxResponseBytes_ThrowsLimitExceeded()
    {
        var handler = new CapturingHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[1025]) }));

        var ex = Assert.ThrowsAsync<HttpRequestException>(() => CreateTransport(handler, new HttpRemoteTransportOptions { MaxResponseBytes = 1024 }).SendAsync(SiteUrl, Request(RemoteEndpoint.Message)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.HttpRequestError, Is.EqualTo(HttpRequestError.ConfigurationLimitExceeded));
            Assert.That(ex.Message, Does.Contain("MaxResponseBytes (1024 bytes)").And.Contain("peer.example.com"));
        }
    }

    [Test]
    public void SendAsync_UnannouncedHugeReply_StopsReadingAtLimitAndThrows()
    {
        var source = new GeneratedStream(length: 64 * 1024 * 1024);
        var handler = new CapturingHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(source) }));

        var ex = Assert.ThrowsAsync<HttpRequestException>(() => CreateTransport(handler, new HttpRemoteTransportOptions { MaxResponseBytes = 100_000 }).SendAsync(SiteUrl, Request(RemoteEndpoint.Message)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.HttpRequestError, Is.EqualTo(HttpRequestError.ConfigurationLimitExceeded));
            Assert.That(source.BytesRead, Is.EqualTo(100_001), "reading stops one byte past the limit");
        }
    }

    [Test]
    public async Task SendAsync_PeerNeverAnswers_ThrowsTimeoutAtBackstop()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new CapturingHandler(async (_, ct) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new AssertionException("unreachable");
        });
        Task<RemoteResponse> send = CreateTransport(handler, new HttpRemoteTransportOptions { Timeout = TimeSpan.FromSeconds(90) }).SendAsync(SiteUrl, Request(RemoteEndpoint.Message));
        await entered.Task;

        _time.Advance(TimeSpan.FromSeconds(89));
        Assert.That(send.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromSeconds(1));

        var ex = Assert.ThrowsAsync<TimeoutException>(() => send);
        Assert.That(ex!.Message, Does.Contain("HttpRemoteTransportOptions.Timeout"));
    }

    [Test]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new CapturingHandler(async (_, ct) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new AssertionException("unreachable");
        });
        using var cts = new CancellationTokenSource();
        Task<RemoteResponse> send = CreateTransport(handler).SendAsync(SiteUrl, Request(RemoteEndpoint.Message), cts.Token);
        await entered.Task;

        await cts.CancelAsync();

        Assert.That(async () => await send, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void SendAsync_PeerUnreachable_PropagatesHttpRequestException()
    {
        var handler = new CapturingHandler((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        Assert.ThrowsAsync<HttpRequestException>(() => CreateTransport(handler).SendAsync(SiteUrl, Request(RemoteEndpoint.Ping)));
    }

    private HttpRemoteTransport CreateTransport(HttpMessageHandler handler, HttpRemoteTransportOptions? options = null)
    {
        var factory = new Mock<IHttpClientFactory>(MockBehavior.Strict);
        factory.Setup(f => f.CreateClient(HttpRemoteTransport.HttpClientName)).Returns(() => new HttpClient(handler, disposeHandler: false));
        return new HttpRemoteTransport(factory.Object, Options.Create(options ?? new HttpRemoteTransportOptions()), _time, NullLogger<HttpRemoteTransport>.Instance);
    }

    private static RemoteRequest Request(RemoteEndpoint endpoint, byte[]? body = null, string? uploadId = null) => new()
    {
        Endpoint = endpoint,
        RemoteId = RemoteId,
        Token = Token,
        UploadId = uploadId,
        Body = body ?? "{}"u8.ToArray(),
    };
}
