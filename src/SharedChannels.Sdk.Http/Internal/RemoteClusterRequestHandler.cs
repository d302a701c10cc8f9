using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
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
        int limit = options.CurrentValue.MaxFrameBytes;
        RemoteRequest? request = await ReadRequestAsync(context, endpoint, limit).ConfigureAwait(false);
        if (request is null)
        {
            Log.RequestTooLarge(logger, endpoint.ToString(), limit);
            await WriteAsync(context.Response, 413, Fail($"the request body exceeds the limit of {limit} bytes"), aborted).ConfigureAwait(false);
            return;
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

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await CappedReader.ReadAsync(http.Body, http.ContentLength, limit, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }

        if (body is not { } content)
        {
            return null;
        }

        IHeaderDictionary headers = http.Headers;
        return new RemoteRequest
        {
            Endpoint = endpoint,
            RemoteId = Single(headers, SharedChannelsHttpHeaders.RemoteClusterId),
            Token = Single(headers, SharedChannelsHttpHeaders.RemoteClusterToken),
            UploadId = endpoint == RemoteEndpoint.Upload ? context.Request.RouteValues[RemoteClusterPaths.UploadIdRouteValue] as string : null,
            Body = content,
            Signature = Single(headers, SharedChannelsHttpHeaders.Signature),
            SignatureTimestamp = long.TryParse(Single(headers, SharedChannelsHttpHeaders.SignatureTimestamp), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long timestamp)
                ? timestamp
                : null,
        };
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
