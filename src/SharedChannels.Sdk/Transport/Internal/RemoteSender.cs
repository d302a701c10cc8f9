using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using SharedChannels.Storage;
using SharedChannels.Wire;

namespace SharedChannels.Transport.Internal;

/// <summary>
/// The one way the SDK sends to a peer: builds the frame, applies the timeout, turns transport failures into
/// <see cref="SharedChannelsException"/>s and records interruptions.
/// </summary>
internal sealed class RemoteSender(
    IRemoteTransport transport,
    TimeProvider timeProvider,
    IOptionsMonitor<SharedChannelsOptions> options,
    ConnectionHealth health)
{
    /// <summary>Sends a frame on <see cref="RemoteEndpoint.Message"/> to a confirmed connection and returns its OK reply.</summary>
    /// <exception cref="SharedChannelsException">Unreachable (transient) or refused by the peer.</exception>
    public async Task<ReplyDto> SendMessageAsync<T>(ConnectionRecord connection, string topic, T payload, JsonTypeInfo<T> payloadType, CancellationToken cancellationToken)
    {
        RemoteResponse response = await SendFrameAsync(connection, topic, payload, payloadType, cancellationToken).ConfigureAwait(false);
        return EnsureOk(connection.RemoteId, response);
    }

    /// <summary>Sends a frame on <see cref="RemoteEndpoint.Message"/> to a confirmed connection and returns whatever the peer answered.</summary>
    /// <exception cref="SharedChannelsException">The peer could not be reached in time (transient).</exception>
    public async Task<RemoteResponse> SendFrameAsync<T>(ConnectionRecord connection, string topic, T payload, JsonTypeInfo<T> payloadType, CancellationToken cancellationToken)
    {
        var siteUrl = PeerUrl(connection);
        byte[] body = WireFormat.Frame(connection.RemoteId, topic, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), payload, payloadType);
        var request = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Message,
            RemoteId = connection.RemoteId,
            Token = connection.RemoteToken,
            Body = body,
        };
        return await SendAsync(connection, siteUrl, request, options.CurrentValue.SendTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request to a connection's peer and returns whatever it answered. Requests to a peer that agreed
    /// to signed frames are signed (never the confirmation, which comes before the agreement).
    /// </summary>
    /// <exception cref="SharedChannelsException">The peer could not be reached in time (transient).</exception>
    public Task<RemoteResponse> SendAsync(ConnectionRecord connection, Uri siteUrl, RemoteRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (connection.PeerSupportsSignedFrames && request.Endpoint != RemoteEndpoint.ConfirmInvitation && connection.RemoteToken is { } token)
        {
            long timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            request = new RemoteRequest
            {
                Endpoint = request.Endpoint,
                RemoteId = request.RemoteId,
                Token = request.Token,
                UploadId = request.UploadId,
                UserId = request.UserId,
                Body = request.Body,
                SignatureTimestamp = timestamp,
                Signature = FrameSignature.Sign(token, timestamp, request.Endpoint, request.Body.Span),
            };
        }

        return SendAsync(connection.RemoteId, siteUrl, request, timeout, cancellationToken);
    }

    private async Task<RemoteResponse> SendAsync(string remoteId, Uri siteUrl, RemoteRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            return await transport.SendAsync(siteUrl, request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            health.ReportSendFailure(remoteId);
            throw new SharedChannelsException(
                SharedChannelsErrorCode.RemoteUnreachable,
                $"The workspace at {siteUrl} did not answer within {timeout.TotalSeconds:0.#} s. Check that it is running and reachable; sync retries on its own, other operations can be tried again.",
                isTransient: true,
                ex);
        }
        catch (Exception ex) when (ex is not SharedChannelsException { ErrorCode: not SharedChannelsErrorCode.RemoteUnreachable })
        {
            health.ReportSendFailure(remoteId);
            throw new SharedChannelsException(
                SharedChannelsErrorCode.RemoteUnreachable,
                $"The workspace at {siteUrl} could not be reached ({Describe(ex)}). Check that it is running and reachable; sync retries on its own, other operations can be tried again.",
                isTransient: true,
                ex);
        }
    }

    /// <summary>Reads an answer: a 2xx with <c>"status":"OK"</c>, or throws with the peer's reason.</summary>
    public static ReplyDto EnsureOk(string remoteId, RemoteResponse response)
    {
        ReplyDto? reply = WireFormat.TryReadReply(response.Body.Span);
        if (response.IsSuccessStatusCode && reply is { IsOk: true })
        {
            return reply;
        }

        string reason = reply?.Err is { } err ? WireFormat.SanitizePeerError(err) : $"HTTP status {response.StatusCode}";
        throw new SharedChannelsException(
            response.StatusCode == 401 ? SharedChannelsErrorCode.Unauthenticated : SharedChannelsErrorCode.RemoteRejected,
            $"The peer of connection {remoteId} refused the request: {reason.TrimEnd('.')}.",
            isTransient: response.StatusCode >= 500);
    }

    // Transport messages (HttpRequestException and friends) carry no secrets; peer-chosen text is kept short.
    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {WireFormat.SanitizePeerError(ex.Message)}";

    private static Uri PeerUrl(ConnectionRecord connection) =>
        connection.SiteUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
            ? uri
            : throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, $"Connection {connection.RemoteId} has no peer site URL yet: its invitation has not been accepted.");
}
