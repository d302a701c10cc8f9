using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Coordination;
using SharedChannels.Coordination.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Transport;

/// <summary>
/// The single inbound entry point of the SDK. A transport (the HTTP endpoints, the loopback network) hands it
/// each request as received; it authenticates the sender (constant-time token comparison), validates the frame,
/// routes it by topic and returns the answer to send back, in Mattermost's shapes.
/// </summary>
/// <remarks>
/// Frames answered OK are remembered, so a copy sent again gets the same answer without being applied twice; between two
/// SDK hosts, each signature is accepted once within the replay window. With several nodes (an
/// <see cref="IInboundFrameLog"/> from a storage package), both are also shared through the database, behind the
/// in-process memory that still settles copies arriving at one node together.
/// </remarks>
public sealed class RemoteFrameDispatcher
{
    private const int DedupeCapacity = 10_000;

    /// <summary>How long the shared frame log keeps a frame answered OK: far longer than any peer retries one request.</summary>
    internal static readonly TimeSpan AnsweredFrameRetention = TimeSpan.FromHours(1);

    /// <summary>How long the shared frame log keeps a signature: twice the replay window, as the in-process memory does.</summary>
    internal static readonly TimeSpan SignatureRetention = 2 * FrameSignature.ReplayWindow;

    private readonly IConnectionStore _store;
    private readonly IOptionsMonitor<SharedChannelsOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly FrameSignature _signatures;
    private readonly IUploadHandler? _uploads;
    private readonly IProfileImageHandler? _profileImages;
    private readonly Dictionary<string, IFrameHandler> _handlers;
    private readonly ConcurrentDictionary<(string RemoteId, string MessageId), Task<RemoteResponse>> _answered = new();
    private readonly ConcurrentQueue<(string RemoteId, string MessageId)> _answeredOrder = new();
    private readonly IPeerActivityListener? _peerActivity;
    private readonly RefusalLogThrottle _refusals;
    private readonly IInboundFrameLog? _sharedLog;

    internal RemoteFrameDispatcher(
        IConnectionStore store,
        IOptionsMonitor<SharedChannelsOptions> options,
        TimeProvider timeProvider,
        IEnumerable<IFrameHandler> handlers,
        IUploadHandler? uploads,
        ILogger<RemoteFrameDispatcher> logger,
        IProfileImageHandler? profileImages = null,
        IPeerActivityListener? peerActivity = null,
        IInboundFrameLog? frameLog = null)
    {
        _sharedLog = frameLog is null or LocalInboundFrameLog ? null : frameLog;
        _uploads = uploads;
        _peerActivity = peerActivity;
        _refusals = new RefusalLogThrottle(timeProvider);
        _profileImages = profileImages;
        _store = store;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _signatures = new FrameSignature(timeProvider);
        _handlers = new Dictionary<string, IFrameHandler>(StringComparer.Ordinal);
        foreach (IFrameHandler handler in handlers)
        {
            foreach (string topic in handler.Topics)
            {
                _handlers[topic] = handler;
            }
        }
    }

    /// <summary>Handles one inbound request and returns the answer for the peer.</summary>
    /// <param name="request">The request as the transport received it.</param>
    /// <param name="cancellationToken">A token to cancel handling (e.g. the HTTP request was aborted).</param>
    /// <returns>The status code and body to answer with.</returns>
    public async Task<RemoteResponse> DispatchAsync(RemoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        SharedChannelsOptions options = _options.CurrentValue;
        string claimedId = request.RemoteId ?? string.Empty;
        if (!options.EnableRemoteClusterService)
        {
            return Refuse(request, 503, "the remote cluster service is disabled on this workspace");
        }

        if (request.Body.Length > options.MaxFrameBytes)
        {
            return Refuse(request, 413, $"the request body of {request.Body.Length} bytes exceeds the limit of {options.MaxFrameBytes} bytes");
        }

        ConnectionRecord? connection = await AuthenticateAsync(request.Endpoint, request.RemoteId, request.Token, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return Refuse(request, 401, UnauthenticatedReason);
        }

        // Between two SDK hosts that agreed on it, every request after confirmation must be signed and fresh.
        if (connection.PeerSupportsSignedFrames && request.Endpoint != RemoteEndpoint.ConfirmInvitation &&
            _signatures.Verify(connection.Token, request) is { } signatureProblem)
        {
            return Refuse(request, 401, signatureProblem);
        }

        // Fresh on this node; with several nodes, it must also be new to the others (a replay sent to another node).
        if (_sharedLog is not null && connection.PeerSupportsSignedFrames && request.Endpoint != RemoteEndpoint.ConfirmInvitation &&
            !await _sharedLog.TryRecordSignatureAsync(connection.RemoteId, request.Signature!, SignatureRetention, cancellationToken).ConfigureAwait(false))
        {
            return Refuse(request, 401, FrameSignature.ReplayedReason);
        }

        // Whatever the peer sends, it is reachable: a worker waiting out a retry delay toward it goes now.
        _peerActivity?.OnPeerActive(connection.RemoteId);

        if (request.Endpoint == RemoteEndpoint.Upload)
        {
            return _uploads is null
                ? Refuse(request, 501, "this workspace does not accept files")
                : await _uploads.HandleUploadAsync(connection, request.UploadId, request.Body, cancellationToken).ConfigureAwait(false);
        }

        if (request.Endpoint == RemoteEndpoint.ProfileImage)
        {
            return _profileImages is null
                ? Refuse(request, 501, "this workspace does not accept profile images")
                : await _profileImages.HandleProfileImageAsync(connection, request.UserId, request.Body, cancellationToken).ConfigureAwait(false);
        }

        InboundEnvelope? frame;
        try
        {
            frame = WireFormat.ReadFrame(request.Body);
        }
        catch (JsonException)
        {
            return Refuse(request, 400, "the body is not valid JSON");
        }

        if (frame is not { HasMessage: true, Id: { Length: > 0 }, Topic: { Length: > 0 } } msg || msg.Payload.IsEmpty)
        {
            return Refuse(request, 400, "the frame lacks msg, msg.id, msg.topic or msg.payload");
        }

        if (!string.IsNullOrEmpty(frame.RemoteId) && !string.Equals(frame.RemoteId, claimedId, StringComparison.Ordinal))
        {
            return Refuse(request, 400, "the frame's remote_id does not match the connection it was sent as");
        }

        if (request.Endpoint == RemoteEndpoint.Ping)
        {
            return Ping(msg, claimedId);
        }

        if (request.Endpoint == RemoteEndpoint.ConfirmInvitation && msg.Topic != Topics.Invitation)
        {
            return Refuse(request, 400, "confirm_invite only takes the invitation topic");
        }

        if (!_handlers.TryGetValue(msg.Topic, out IFrameHandler? handler))
        {
            return Refuse(request, 400, $"unknown topic '{Truncate(msg.Topic)}'");
        }

        // Atomic: of two copies of a frame arriving together, one is handled and both get its answer.
        var key = (claimedId, msg.Id);
        var handling = new TaskCompletionSource<RemoteResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<RemoteResponse> existing = _answered.GetOrAdd(key, handling.Task);
        if (existing != handling.Task)
        {
            Log.DuplicateFrame(_logger, msg.Id, claimedId);
            return await existing.ConfigureAwait(false);
        }

        // Only frames on /msg are shared between nodes: a confirmation is answered by status, and handled once anyway.
        bool shared = _sharedLog is not null && request.Endpoint == RemoteEndpoint.Message;
        RemoteResponse response;
        bool answeredElsewhere = false;
        try
        {
            if (shared && await _sharedLog!.GetAnswerAsync(claimedId, msg.Id, cancellationToken).ConfigureAwait(false) is { } earlier)
            {
                Log.DuplicateFrameFromLog(_logger, msg.Id, claimedId);
                response = new RemoteResponse(200, earlier);
                answeredElsewhere = true;
            }
            else
            {
                response = await HandleAsync(handler, new InboundFrame(connection, request.Endpoint, msg.Id, msg.Topic, msg.CreateAt, msg.Payload), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            _answered.TryRemove(key, out _);
            handling.SetException(ex);
            throw;
        }

        bool ok = response.StatusCode == 200 && WireFormat.TryReadReply(response.Body.Span) is { IsOk: true };
        if (ok && shared && !answeredElsewhere)
        {
            // The frame's changes are committed (the handler returned): recorded now, before the peer has the answer. A
            // node dying between the two leaves the frame unrecorded, and a copy sent to another node is applied again,
            // which applying by id makes harmless.
            await RecordAnswerAsync(claimedId, msg.Id, response.Body).ConfigureAwait(false);
        }

        handling.SetResult(response);
        if (ok)
        {
            Remember(key);
        }
        else
        {
            // Refusals and failures are not remembered: the peer may fix the cause and send the frame again.
            _answered.TryRemove(key, out _);
        }

        return response;
    }

    private async Task RecordAnswerAsync(string remoteId, string messageId, ReadOnlyMemory<byte> answer)
    {
        try
        {
            // Not cancelled with the request: the changes are applied whether or not the peer waits for the answer.
            await _sharedLog!.RecordAnswerAsync(remoteId, messageId, answer, AnsweredFrameRetention, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.FrameNotRecorded(_logger, messageId, remoteId, ex is SharedChannelsException ? ex.Message : ex.GetType().Name);
        }
    }

    private async Task<RemoteResponse> HandleAsync(IFrameHandler handler, InboundFrame frame, CancellationToken cancellationToken)
    {
        RemoteResponse response;
        try
        {
            JsonElement payload = await handler.HandleAsync(frame, cancellationToken).ConfigureAwait(false);
            response = new RemoteResponse(200, WireFormat.Ok(payload)) { AfterSent = frame.Reply.MarkSent };
            Count(frame.Topic, "accepted");
        }
        catch (SharedChannelsException ex)
        {
            // /msg reports failures in the body with HTTP 200, as Mattermost does; confirm_invite uses the status.
            int status = frame.Endpoint == RemoteEndpoint.ConfirmInvitation ? StatusFor(ex.ErrorCode) : 200;
            response = new RemoteResponse(status, WireFormat.Fail(ex.Message, ex.ErrorCode == SharedChannelsErrorCode.InvitationExpired ? ReplyDto.InvitationExpiredId : null));
            frame.Reply.MarkSent();
            Count(frame.Topic, "rejected");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.FrameFailed(_logger, frame.MessageId, frame.Topic, frame.Connection.RemoteId, ex);
            response = new RemoteResponse(500, WireFormat.Fail("internal error while handling the message; it may be retried"));
            frame.Reply.MarkSent();
            Count(frame.Topic, "failed");
        }

        Log.FrameHandled(_logger, frame.MessageId, frame.Topic, frame.Connection.RemoteId, response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    /// <summary>
    /// Checks a request's credentials (its <c>X-RemoteCluster-Id</c> and <c>X-RemoteCluster-Token</c>) before its body is
    /// read. A transport calls it first, so that an unauthenticated request costs one store lookup and no body is
    /// read: the HTTP endpoints answer 401 without reading a byte of it. <see cref="DispatchAsync"/> checks the
    /// credentials again (and, between two SDK hosts, the signature over the body).
    /// </summary>
    /// <param name="endpoint">The endpoint the request arrived on.</param>
    /// <param name="remoteId">The connection id the sender claims.</param>
    /// <param name="token">The token the sender presents. Secret: never log it.</param>
    /// <param name="cancellationToken">A token to cancel the lookup.</param>
    /// <returns><see langword="true"/> when the credentials open this endpoint; otherwise the refusal is logged (at most a few lines a minute, however many arrive) and <see langword="false"/>.</returns>
    public async Task<bool> AuthenticateHeadersAsync(RemoteEndpoint endpoint, string? remoteId, string? token, CancellationToken cancellationToken = default)
    {
        if (!_options.CurrentValue.EnableRemoteClusterService)
        {
            // DispatchAsync answers it with 503 and the reason.
            return true;
        }

        if (await AuthenticateAsync(endpoint, remoteId, token, cancellationToken).ConfigureAwait(false) is not null)
        {
            return true;
        }

        LogRefusal(endpoint.ToString(), remoteId, 401, UnauthenticatedReason);
        return false;
    }

    /// <summary>The reason given for every failed authentication, whatever failed: nothing to learn from it.</summary>
    internal const string UnauthenticatedReason = "missing or invalid credentials";

    private async Task<ConnectionRecord?> AuthenticateAsync(RemoteEndpoint endpoint, string? remoteId, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(remoteId) || string.IsNullOrEmpty(token) || !RemoteIds.IsValid(remoteId))
        {
            return null;
        }

        ConnectionRecord? connection = await _store.GetAsync(remoteId, cancellationToken).ConfigureAwait(false);
        if (connection is null || connection.DeletedAt is not null)
        {
            return null;
        }

        // Constant-time: the comparison must not reveal how much of a guessed token was right.
        bool tokenOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(connection.Token));
        if (!tokenOk)
        {
            return null;
        }

        // Before confirmation, an invitation we created: its token (in the invitation code) only opens confirm_invite.
        // An invitation we are accepting: the row is stored before the confirmation goes out, and its token is the
        // one that confirmation hands the inviter and nobody else. The inviter may use it as soon as it has confirmed,
        // before its answer reaches us (Mattermost pings at once), so it opens every endpoint; if the confirmation
        // fails, the row and its token are removed.
        return connection.InvitationAccepted || !connection.IsInviter || endpoint == RemoteEndpoint.ConfirmInvitation ? connection : null;
    }

    private RemoteResponse Ping(InboundEnvelope msg, string remoteId)
    {
        PingDto? ping = WireFormat.TryReadObject(msg.Payload, WireJsonContext.Default.PingDto);
        if (ping is null)
        {
            Log.RequestRefused(_logger, nameof(RemoteEndpoint.Ping), remoteId, "the ping payload is not an object");
            return new RemoteResponse(400, WireFormat.Fail("the ping payload must be {\"sent_at\":ms}"));
        }

        Count(Topics.Ping, "accepted");
        var reply = new PingDto { SentAt = ping.SentAt, RecvAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() };
        return new RemoteResponse(200, JsonSerializer.SerializeToUtf8Bytes(reply, WireJsonContext.Default.PingDto));
    }

    private RemoteResponse Refuse(RemoteRequest request, int status, string reason)
    {
        LogRefusal(request.Endpoint.ToString(), request.RemoteId, status, reason);
        return new RemoteResponse(status, WireFormat.Fail(reason));
    }

    private void LogRefusal(string endpoint, string? remoteId, int status, string reason)
    {
        Count("(unknown)", "rejected");

        // A flood of unauthenticated requests must not flood the log: a few lines, then one summary a minute.
        if (status != 401)
        {
            Log.RequestRefused(_logger, endpoint, Truncate(remoteId ?? "(none)"), reason);
        }
        else if (_refusals.ShouldLog(out int suppressed))
        {
            if (suppressed > 0)
            {
                Log.RefusalsSuppressed(_logger, suppressed);
            }

            Log.RequestRefused(_logger, endpoint, Truncate(remoteId ?? "(none)"), reason);
        }
    }

    private void Remember((string RemoteId, string MessageId) key)
    {
        _answeredOrder.Enqueue(key);
        while (_answeredOrder.Count > DedupeCapacity && _answeredOrder.TryDequeue(out var oldest))
        {
            _answered.TryRemove(oldest, out _);
        }
    }

    private static int StatusFor(SharedChannelsErrorCode code) => code switch
    {
        SharedChannelsErrorCode.Unauthenticated => 401,
        SharedChannelsErrorCode.Forbidden or SharedChannelsErrorCode.PermissionDenied => 403,
        SharedChannelsErrorCode.PayloadTooLarge => 413,
        _ => 400,
    };

    private static void Count(string topic, string outcome) =>
        SharedChannelsMetrics.FramesReceived.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("outcome", outcome));

    // Peer-chosen strings are shortened before they reach a log or an answer.
    // Control characters are dropped so a peer cannot forge log lines.
    private static string Truncate(string value)
    {
        string printable = string.Concat(value.Where(c => !char.IsControl(c)).Take(65));
        return printable.Length <= 64 ? printable : printable[..64] + "…";
    }
}
