using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using SharedChannels.Transport;

namespace SharedChannels.Http.Internal;

/// <summary>
/// Turns an inbound HTTP request into a <see cref="RemoteRequest"/> for the <see cref="RemoteFrameDispatcher"/> and
/// writes its answer back. Authentication and frame validation are the dispatcher's; this only bounds the body.
/// </summary>
internal sealed class RemoteClusterRequestHandler(
    RemoteFrameDispatcher dispatcher,
    IOptionsMonitor<SharedChannelsOptions> options,
    ILogger<RemoteClusterRequestHandler> logger)
{
    private const string JsonMediaType = "application/json";

    public async Task HandleAsync(HttpContext context, RemoteEndpoint endpoint)
    {
        CancellationToken aborted = context.RequestAborted;
        IHeaderDictionary headers = context.Request.Headers;
        if (!await dispatcher.AuthenticateHeadersAsync(endpoint, Single(headers, SharedChannelsHttpHeaders.RemoteClusterId), Single(headers, SharedChannelsHttpHeaders.RemoteClusterToken), aborted).ConfigureAwait(false))
        {
            // Refused before a byte of the body is read: an unauthenticated request costs one store lookup. The
            // connection closes after the answer, so the server does not read (drain) the body either.
            context.Response.Headers.Connection = "close";
            await WriteAsync(context.Response, 401, Fail("missing or invalid credentials"), aborted).ConfigureAwait(false);
            return;
        }

        int limit = options.CurrentValue.MaxFrameBytes;
        RemoteRequest? request;
        try
        {
            request = await ReadRequestAsync(context, endpoint, limit).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // The body stopped short or came too slowly (Kestrel's minimum data rate): nothing to answer, a warning
            // rather than an unhandled error, and the connection is closed.
            Log.RequestBodyFailed(logger, endpoint.ToString(), ex.StatusCode);
            context.Abort();
            return;
        }

        if (request is null)
        {
            Log.RequestTooLarge(logger, endpoint.ToString(), limit);
            await WriteAsync(context.Response, 413, Fail($"the request body exceeds the limit of {limit} bytes"), aborted).ConfigureAwait(false);
            return;
        }

        if (endpoint is RemoteEndpoint.Upload or RemoteEndpoint.ProfileImage && IsMultipart(context.Request, out string? boundary))
        {
            // Mattermost reads a multipart upload's first part, and a profile image from the field "image".
            ReadOnlyMemory<byte>? part = await ReadPartAsync(request.Body, boundary, endpoint == RemoteEndpoint.ProfileImage ? RemoteClusterPaths.ProfileImageField : null, aborted).ConfigureAwait(false);
            if (part is not { } content)
            {
                string expected = endpoint == RemoteEndpoint.ProfileImage ? $"a form field '{RemoteClusterPaths.ProfileImageField}'" : "a part";
                await WriteAsync(context.Response, 400, Fail($"the multipart body has no {expected}"), aborted).ConfigureAwait(false);
                return;
            }

            request = With(request, content);
        }

        RemoteResponse response = await dispatcher.DispatchAsync(request, aborted).ConfigureAwait(false);

        // Some work waits until the peer has its answer (see RemoteResponse.MarkSent): the response has completed then.
        context.Response.OnCompleted(
            static state =>
            {
                ((RemoteResponse)state).MarkSent();
                return Task.CompletedTask;
            },
            response);
        await WriteAsync(context.Response, response.StatusCode, response.Body, aborted).ConfigureAwait(false);
    }

    /// <summary>Reads the request; <see langword="null"/> when its body is larger than <paramref name="limit"/>.</summary>
    internal static async Task<RemoteRequest?> ReadRequestAsync(HttpContext context, RemoteEndpoint endpoint, int limit)
    {
        HttpRequest http = context.Request;
        if (http.ContentLength > limit)
        {
            return null;
        }

        // MaxFrameBytes is the limit of these endpoints, above or below the server's default (Kestrel: 30 MB).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        // The announced length only sizes the first buffer: a peer may still send more, and is stopped at the limit.
        using var buffer = new MemoryStream(http.ContentLength is long announced ? (int)announced : 0);
        bool withinLimit;
        try
        {
            withinLimit = await CappedReader.ReadIntoAsync(http.Body, buffer, limit, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            withinLimit = false;
        }

        // The stream's own buffer, not a copy of it: a body is held once, at most MaxFrameBytes.
        return withinLimit ? Create(context, endpoint, new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length)) : null;
    }

    private static RemoteRequest Create(HttpContext context, RemoteEndpoint endpoint, ReadOnlyMemory<byte> content)
    {
        IHeaderDictionary headers = context.Request.Headers;
        return new RemoteRequest
        {
            Endpoint = endpoint,
            RemoteId = Single(headers, SharedChannelsHttpHeaders.RemoteClusterId),
            Token = Single(headers, SharedChannelsHttpHeaders.RemoteClusterToken),
            UploadId = endpoint == RemoteEndpoint.Upload ? context.Request.RouteValues[RemoteClusterPaths.UploadIdRouteValue] as string : null,
            UserId = endpoint == RemoteEndpoint.ProfileImage ? context.Request.RouteValues[RemoteClusterPaths.UserIdRouteValue] as string : null,
            Body = content,
            Signature = Single(headers, SharedChannelsHttpHeaders.Signature),
            SignatureTimestamp = long.TryParse(Single(headers, SharedChannelsHttpHeaders.SignatureTimestamp), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long timestamp)
                ? timestamp
                : null,
        };
    }

    private static RemoteRequest With(RemoteRequest request, ReadOnlyMemory<byte> body) => new()
    {
        Endpoint = request.Endpoint,
        RemoteId = request.RemoteId,
        Token = request.Token,
        UploadId = request.UploadId,
        UserId = request.UserId,
        Body = body,
        Signature = request.Signature,
        SignatureTimestamp = request.SignatureTimestamp,
    };

    internal static bool IsMultipart(HttpRequest request, out string? boundary)
    {
        boundary = null;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type) ||
            !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        return !string.IsNullOrEmpty(boundary);
    }

    /// <summary>
    /// The bytes of the form field <paramref name="field"/> (or, when <see langword="null"/>, of the first part) of a
    /// multipart body already read and bounded; <see langword="null"/> when there is no such part or the body is malformed.
    /// </summary>
    internal static async Task<ReadOnlyMemory<byte>?> ReadPartAsync(ReadOnlyMemory<byte> body, string? boundary, string? field, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        var reader = new MultipartReader(boundary!, stream);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (field is not null &&
                    (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition) ||
                     !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, field, StringComparison.Ordinal)))
                {
                    continue;
                }

                using var part = new MemoryStream();
                await section.Body.CopyToAsync(part, cancellationToken).ConfigureAwait(false);
                return part.ToArray();
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return null;
        }

        return null;
    }

    // A repeated header is passed on joined: it then matches no connection id or token, and the dispatcher refuses it.
    private static string? Single(IHeaderDictionary headers, string name)
    {
        StringValues values = headers[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => values.ToString(),
        };
    }

    private static async Task WriteAsync(HttpResponse response, int statusCode, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        if (statusCode == StatusCodes.Status204NoContent)
        {
            return;
        }

        response.ContentType = JsonMediaType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    // The dispatcher's failure shape, for the refusals answered before it is reached.
    private static byte[] Fail(string error)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", "FAIL");
            writer.WriteString("err", error);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
