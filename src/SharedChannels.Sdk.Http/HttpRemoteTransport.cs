using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Http.Internal;
using SharedChannels.Transport;

namespace SharedChannels.Http;

/// <summary>
/// Sends remote-cluster requests over HTTP, as Mattermost does: <c>POST {siteUrl}/api/v4/remotecluster/…</c> with
/// the <c>X-RemoteCluster-Id</c> and <c>X-RemoteCluster-Token</c> headers. Register it with
/// <c>AddSharedChannels().UseHttpTransport()</c>; it uses the named client <see cref="HttpClientName"/>.
/// </summary>
/// <remarks>
/// Any status code the peer answers is returned as a <see cref="RemoteResponse"/>; redirects are not followed (they
/// would carry the token elsewhere). Connection failures, replies larger than
/// <see cref="HttpRemoteTransportOptions.MaxResponseBytes"/> and the <see cref="HttpRemoteTransportOptions.Timeout"/>
/// backstop throw, which the SDK treats as "peer unreachable". Tokens and bodies are never logged.
/// </remarks>
public sealed class HttpRemoteTransport : IRemoteTransport
{
    /// <summary>The name of the <see cref="HttpClient"/> this transport asks <see cref="IHttpClientFactory"/> for.</summary>
    /// <example><c>services.AddHttpClient(HttpRemoteTransport.HttpClientName).ConfigurePrimaryHttpMessageHandler(…)</c> to add a proxy or client certificate.</example>
    public const string HttpClientName = "SharedChannels.RemoteCluster";

    private const string JsonMediaType = "application/json";
    private const string BinaryMediaType = "application/octet-stream";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly HttpRemoteTransportOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the transport.</summary>
    /// <param name="httpClientFactory">Creates the <see cref="HttpClientName"/> client for each request.</param>
    /// <param name="options">The transport's settings.</param>
    /// <param name="timeProvider">The clock of the <see cref="HttpRemoteTransportOptions.Timeout"/> backstop.</param>
    /// <param name="logger">The logger.</param>
    public HttpRemoteTransport(IHttpClientFactory httpClientFactory, IOptions<HttpRemoteTransportOptions> options, TimeProvider timeProvider, ILogger<HttpRemoteTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="siteUrl"/> is not an absolute http(s) URL, or an upload has no upload id.</exception>
    /// <exception cref="HttpRequestException">The peer could not be reached, or its reply exceeds <see cref="HttpRemoteTransportOptions.MaxResponseBytes"/>.</exception>
    /// <exception cref="TimeoutException">The peer did not answer within <see cref="HttpRemoteTransportOptions.Timeout"/>.</exception>
    public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(siteUrl);
        ArgumentNullException.ThrowIfNull(request);
        Uri target = RemoteClusterPaths.Resolve(siteUrl, request.Endpoint, request.UploadId, request.UserId);
        string endpoint = request.Endpoint.ToString();
        string targetForLog = target.GetLeftPart(UriPartial.Authority);

        using HttpRequestMessage message = CreateMessage(target, request);
        HttpClient client = _httpClientFactory.CreateClient(HttpClientName);
        TimeSpan backstop = _options.Timeout;
        using CancellationTokenSource? backstopSource = backstop == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(backstop, _timeProvider);
        using CancellationTokenSource linked = backstopSource is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, backstopSource.Token);
        long started = _timeProvider.GetTimestamp();
        try
        {
            // Headers first, then the body under the cap: a peer must not make us buffer an unbounded reply.
            using HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            Stream stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            ReadOnlyMemory<byte>? body;
            await using (stream.ConfigureAwait(false))
            {
                body = await CappedReader.ReadAsync(stream, response.Content.Headers.ContentLength, _options.MaxResponseBytes, linked.Token).ConfigureAwait(false);
            }

            if (body is not { } content)
            {
                Log.ResponseTooLarge(_logger, endpoint, targetForLog, _options.MaxResponseBytes);
                throw new HttpRequestException(
                    HttpRequestError.ConfigurationLimitExceeded,
                    $"The reply of the workspace at {targetForLog} to {endpoint} is larger than HttpRemoteTransportOptions.MaxResponseBytes ({_options.MaxResponseBytes} bytes). The peer may be misbehaving; raise the limit only if its replies are legitimately this large.");
            }

            int status = (int)response.StatusCode;
            Log.RequestSent(_logger, endpoint, targetForLog, status, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds, content.Length);
            return new RemoteResponse(status, content);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && backstopSource is { IsCancellationRequested: true })
        {
            Log.BackstopTimeout(_logger, endpoint, targetForLog, backstop);
            throw new TimeoutException(
                $"The workspace at {targetForLog} did not answer {endpoint} within HttpRemoteTransportOptions.Timeout ({backstop}). Check that it is running and reachable.",
                ex);
        }
    }

    private static HttpRequestMessage CreateMessage(Uri target, RemoteRequest request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, target);
        if (request.Endpoint == RemoteEndpoint.ProfileImage)
        {
            // As Mattermost's sendProfileImage: a multipart form, the image in field "image" named profile.png.
            var image = new ReadOnlyMemoryContent(request.Body);
            image.Headers.ContentType = new MediaTypeHeaderValue(BinaryMediaType);
            message.Content = new MultipartFormDataContent { { image, RemoteClusterPaths.ProfileImageField, "profile.png" } };
        }
        else
        {
            message.Content = new ReadOnlyMemoryContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.Endpoint == RemoteEndpoint.Upload ? BinaryMediaType : JsonMediaType);
        }

        // Headers.Add validates the values: a CR/LF in a header is refused rather than sent.
        AddIfPresent(message.Headers, SharedChannelsHttpHeaders.RemoteClusterId, request.RemoteId);
        AddIfPresent(message.Headers, SharedChannelsHttpHeaders.RemoteClusterToken, request.Token);
        AddIfPresent(message.Headers, SharedChannelsHttpHeaders.Signature, request.Signature);
        AddIfPresent(message.Headers, SharedChannelsHttpHeaders.SignatureTimestamp, request.SignatureTimestamp?.ToString(CultureInfo.InvariantCulture));
        return message;
    }

    private static void AddIfPresent(HttpRequestHeaders headers, string name, string? value)
    {
        if (value is not null)
        {
            headers.Add(name, value);
        }
    }
}
