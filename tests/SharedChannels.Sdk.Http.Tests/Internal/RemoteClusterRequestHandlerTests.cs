using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SharedChannels.Http.Internal;
using SharedChannels.Http.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Http.Tests.Internal;

public sealed class RemoteClusterRequestHandlerTests
{
    private const int Limit = 65_536;

    [Test]
    public async Task ReadRequestAsync_AllHeaders_MapsThemToTheRequest()
    {
        DefaultHttpContext context = Context("""{"a":1}""");
        context.Request.Headers["X-RemoteCluster-Id"] = "ko8kjhd9e3dq7m3zjy4bqxfgyo";
        context.Request.Headers["X-RemoteCluster-Token"] = "u1p8mhzyzpnq7cefw9dg7k4h4r";
        context.Request.Headers["X-SharedChannels-Signature"] = "v1=abc";
        context.Request.Headers["X-SharedChannels-Timestamp"] = "1795608000123";

        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Message, Limit);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(request, Is.Not.Null);
            Assert.That(request!.Endpoint, Is.EqualTo(RemoteEndpoint.Message));
            Assert.That(request.RemoteId, Is.EqualTo("ko8kjhd9e3dq7m3zjy4bqxfgyo"));
            Assert.That(request.Token, Is.EqualTo("u1p8mhzyzpnq7cefw9dg7k4h4r"));
            Assert.That(request.Signature, Is.EqualTo("v1=abc"));
            Assert.That(request.SignatureTimestamp, Is.EqualTo(1_795_608_000_123));
            Assert.That(request.UploadId, Is.Null);
            Assert.That(Encoding.UTF8.GetString(request.Body.Span), Is.EqualTo("""{"a":1}"""));
        }
    }

    [Test]
    public async Task ReadRequestAsync_NoHeaders_LeavesCredentialsNullForTheDispatcherToRefuse()
    {
        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(Context("{}"), RemoteEndpoint.Ping, Limit);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(request, Is.Not.Null);
            Assert.That(request!.RemoteId, Is.Null);
            Assert.That(request.Token, Is.Null);
            Assert.That(request.Signature, Is.Null);
            Assert.That(request.SignatureTimestamp, Is.Null);
        }
    }

    [TestCase("")]
    [TestCase("soon")]
    [TestCase("12.5")]
    [TestCase("1e12")]
    [TestCase("99999999999999999999999")]
    public async Task ReadRequestAsync_InvalidTimestamp_IsNull(string timestamp)
    {
        DefaultHttpContext context = Context("{}");
        context.Request.Headers["X-SharedChannels-Signature"] = "v1=abc";
        context.Request.Headers["X-SharedChannels-Timestamp"] = timestamp;

        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Message, Limit);

        Assert.That(request!.SignatureTimestamp, Is.Null);
    }

    [Test]
    public async Task ReadRequestAsync_RepeatedIdHeader_IsPassedJoinedSoItMatchesNoConnection()
    {
        DefaultHttpContext context = Context("{}");
        context.Request.Headers.Append("X-RemoteCluster-Id", "aaaaaaaaaaaaaaaaaaaaaaaaaa");
        context.Request.Headers.Append("X-RemoteCluster-Id", "bbbbbbbbbbbbbbbbbbbbbbbbbb");

        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Message, Limit);

        Assert.That(request!.RemoteId, Is.EqualTo("aaaaaaaaaaaaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbbbbbbbbbb"));
    }

    [Test]
    public async Task ReadRequestAsync_Upload_TakesUploadIdFromTheRoute()
    {
        DefaultHttpContext context = Context("raw bytes");
        context.Request.RouteValues["upload_id"] = "up1";

        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Upload, Limit);

        Assert.That(request!.UploadId, Is.EqualTo("up1"));
    }

    [Test]
    public async Task ReadRequestAsync_ContentLengthOverLimit_RefusesWithoutReading()
    {
        var body = new GeneratedStream(Limit + 1);
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = Limit + 1;

        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Message, Limit);

        Assert.That(request, Is.Null);
        Assert.That(body.BytesRead, Is.Zero);
    }

    [Test]
    public async Task ReadRequestAsync_UnannouncedBodyOverLimit_StopsAtLimitPlusOne()
    {
        var body = new GeneratedStream(10 * Limit);
        var context = new DefaultHttpContext();
        context.Request.Body = body;

        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Message, Limit);

        Assert.That(request, Is.Null);
        Assert.That(body.BytesRead, Is.EqualTo(Limit + 1));
    }

    [Test]
    public async Task ReadRequestAsync_UnannouncedBodyOfExactlyLimit_IsRead()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new GeneratedStream(Limit);

        RemoteRequest? request = await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Message, Limit);

        Assert.That(request!.Body.Length, Is.EqualTo(Limit));
    }

    [Test]
    public async Task ReadRequestAsync_ServerBodyLimit_IsSetToMaxFrameBytes()
    {
        DefaultHttpContext context = Context("{}");
        var sizeFeature = new BodySizeFeature { MaxRequestBodySize = 30_000_000 };
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(sizeFeature);

        await RemoteClusterRequestHandler.ReadRequestAsync(context, RemoteEndpoint.Message, Limit);

        Assert.That(sizeFeature.MaxRequestBodySize, Is.EqualTo(Limit));
    }

    private static DefaultHttpContext Context(string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context;
    }

    private sealed class BodySizeFeature : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; }
    }
}
