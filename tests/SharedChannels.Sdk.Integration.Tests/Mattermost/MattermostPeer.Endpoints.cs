using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text;
using System.Text.Json;

namespace SharedChannels.Integration.Tests.Mattermost;

// The peer's remote-cluster endpoints: channels/api4/remote_cluster.go (InitRemoteCluster and its handlers), with the
// remote-cluster session check of channels/app/session.go GetRemoteClusterSession and the envelope of
// platform/services/remotecluster/recv.go ReceiveIncomingMsg.
internal sealed partial class MattermostPeer
{
    private void MapEndpoints()
    {
        _app.MapPost("/api/v4/remotecluster/ping", context => HandleAsync(context, PingAsync));
        _app.MapPost("/api/v4/remotecluster/msg", context => HandleAsync(context, AcceptMessageAsync));
        _app.MapPost("/api/v4/remotecluster/confirm_invite", context => HandleAsync(context, ConfirmInviteAsync));
        _app.MapPost("/api/v4/remotecluster/upload/{upload_id}", context => HandleAsync(context, UploadDataAsync));
        _app.MapPost("/api/v4/remotecluster/{user_id}/image", context => HandleAsync(context, SetProfileImageAsync));
    }

    private sealed record Reply(int StatusCode, byte[] Body, string Topic = "");

    private async Task HandleAsync(HttpContext context, Func<HttpContext, PeerRemoteCluster, Task<Reply>> handler)
    {
        Reply reply = Authenticate(context, out PeerRemoteCluster? rc) ?? await handler(context, rc!);
        lock (_gate)
        {
            Inbound.Add(new PeerInbound(context.Request.Path, reply.Topic, reply.StatusCode, Encoding.UTF8.GetString(reply.Body)));
        }

        context.Response.StatusCode = reply.StatusCode;
        if (reply.Body.Length > 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(reply.Body);
        }
    }

    /// <summary>
    /// app/session.go GetRemoteClusterSession via web/handlers.go: a missing id header is 401 remote_id_missing; an
    /// unknown remote or a wrong token is 401 invalid_token (compared against rc.Token).
    /// </summary>
    private Reply? Authenticate(HttpContext context, out PeerRemoteCluster? rc)
    {
        rc = null;
        string remoteId = context.Request.Headers[HeaderRemoteId].ToString();
        string token = context.Request.Headers[HeaderRemoteToken].ToString();
        if (remoteId.Length == 0)
        {
            return AppError(401, "api.context.remote_id_missing.app_error", "Remote ID is missing.");
        }

        lock (_gate)
        {
            if (!RemoteClusters.TryGetValue(remoteId, out PeerRemoteCluster? found) || token.Length == 0 ||
                !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(found.Token), Encoding.UTF8.GetBytes(token)))
            {
                return AppError(401, "api.context.invalid_token.error", "Invalid or expired session, please login again.");
            }

            rc = found;
        }

        return null;
    }

    /// <summary>model.AppError as the API writes it.</summary>
    private static Reply AppError(int status, string id, string message, string topic = "") => new(
        status,
        GoJson.ToBytes(w =>
        {
            w.WriteStartObject();
            GoJson.String(w, "id", id);
            GoJson.String(w, "message", message);
            GoJson.String(w, "detailed_error", string.Empty);
            GoJson.String(w, "request_id", MattermostIds.NewId());
            GoJson.Int64(w, "status_code", status);
            w.WriteEndObject();
        }),
        topic);

    /// <summary>remotecluster/response.go Response: status, err and payload, none omitempty (a nil payload is null).</summary>
    private static byte[] ResponseBody(bool ok, string err, byte[]? payload) => GoJson.ToBytes(w =>
    {
        w.WriteStartObject();
        w.WriteString("status", ok ? "OK" : "FAIL");
        w.WriteString("err", err);
        w.WritePropertyName("payload");
        if (payload is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(payload);
        }

        w.WriteEndObject();
    });

    /// <summary>A decoded and validated frame (model.RemoteClusterFrame.IsValid), or the 400/401 Mattermost answers.</summary>
    private static async Task<(JsonDocument? Frame, Reply? Error)> ReadFrameAsync(HttpContext context, PeerRemoteCluster rc)
    {
        JsonDocument frame;
        try
        {
            frame = await JsonDocument.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            return (null, AppError(400, "api.unmarshal_error", "Could not decode the request body."));
        }

        JsonElement root = frame.RootElement;
        string remoteId = GoJson.GetString(root, "remote_id");
        JsonElement msg = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("msg", out JsonElement m) ? m : default;
        bool hasPayload = msg.ValueKind == JsonValueKind.Object && msg.TryGetProperty("payload", out _);
        string error = remoteId.Length != 26 ? "api.remote_cluster.invalid_id.app_error"
            : GoJson.GetString(msg, "id").Length != 26 ? "api.remote_cluster.invalid_id.app_error"
            : GoJson.GetString(msg, "topic").Length == 0 ? "api.remote_cluster.invalid_topic.app_error"
            : !hasPayload ? "api.context.invalid_body_param.app_error"
            : string.Empty;
        if (error.Length > 0)
        {
            frame.Dispose();
            return (null, AppError(400, error, "Invalid frame."));
        }

        // The header's remote id must be the frame's (c.SetInvalidRemoteIdError).
        if (remoteId != rc.RemoteId)
        {
            frame.Dispose();
            return (null, AppError(401, "api.context.remote_id_invalid.app_error", "Invalid remote ID."));
        }

        return (frame, null);
    }

    /// <summary>api4 remoteClusterPing: the bare RemoteClusterPing with recv_at set, written by a JSON encoder (trailing newline).</summary>
    private async Task<Reply> PingAsync(HttpContext context, PeerRemoteCluster rc)
    {
        (JsonDocument? frame, Reply? error) = await ReadFrameAsync(context, rc);
        if (frame is null)
        {
            return error!;
        }

        using (frame)
        {
            JsonElement payload = frame.RootElement.GetProperty("msg").GetProperty("payload");
            long sentAt = GoJson.GetInt64(payload, "sent_at");
            long recvAt = NowMillis();
            byte[] body = GoJson.ToBytes(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("sent_at", sentAt);
                w.WriteNumber("recv_at", recvAt);
                w.WriteEndObject();
            });
            return new Reply(200, [.. body, (byte)'\n'], TopicPing);
        }
    }

    /// <summary>api4 remoteClusterAcceptMessage → remotecluster ReceiveIncomingMsg: always HTTP 200 with the Response envelope.</summary>
    private async Task<Reply> AcceptMessageAsync(HttpContext context, PeerRemoteCluster rc)
    {
        (JsonDocument? frame, Reply? error) = await ReadFrameAsync(context, rc);
        if (frame is null)
        {
            return error!;
        }

        using (frame)
        {
            JsonElement msg = frame.RootElement.GetProperty("msg");
            string topic = GoJson.GetString(msg, "topic");
            JsonElement payload = msg.GetProperty("payload");

            // The topic listeners sharedchannel/service.go registers. No listener: OK with a null payload.
            (string? err, byte[]? replyPayload) = topic switch
            {
                TopicSync or TopicChannelMembership or TopicGlobalUserSync => OnReceiveSyncMessage(topic, payload, rc),
                TopicChannelInvite => (OnReceiveChannelInvite(payload, rc), null),
                TopicUploadCreate => OnReceiveUploadCreate(payload, rc),
                _ => (null, null),
            };
            return new Reply(200, ResponseBody(err is null, err ?? string.Empty, replyPayload), topic);
        }
    }

    /// <summary>
    /// api4 remoteClusterConfirmInvite + remotecluster/recv.go ReceiveInviteConfirmation: refuse an expired (48 h from
    /// the row's creation) or already confirmed invitation; store the acceptor's URL and token; rotate this side's token
    /// to the refreshed_token (version ≥ 2, must differ) or else to a new id; then ping the acceptor (Mattermost does
    /// it in a goroutine right after the update; done here before replying so a test sees its result deterministically).
    /// </summary>
    private async Task<Reply> ConfirmInviteAsync(HttpContext context, PeerRemoteCluster rc)
    {
        (JsonDocument? frame, Reply? error) = await ReadFrameAsync(context, rc);
        if (frame is null)
        {
            return error!;
        }

        using (frame)
        {
            if (NowMillis() - rc.CreateAt > (long)TimeSpan.FromHours(48).TotalMilliseconds)
            {
                return AppError(400, "api.context.invitation_expired.error", "Invitation expired.", TopicInvitation);
            }

            JsonElement payload = frame.RootElement.GetProperty("msg").GetProperty("payload");
            if (payload.ValueKind != JsonValueKind.Object)
            {
                return AppError(400, "api.context.invalid_body_param.app_error", "Invalid or missing msg.payload in request body.", TopicInvitation);
            }

            MattermostInvitationCode.Invite confirm = MattermostInvitationCode.FromJson(payload);
            lock (_gate)
            {
                string? refusal = rc.IsConfirmed ? "the remote cluster has already been confirmed"
                    : confirm.Version >= 2 && confirm.RefreshedToken.Length > 0 && confirm.RefreshedToken == rc.Token ? "RefreshedToken must be different from the original invite token"
                    : null;
                if (refusal is not null)
                {
                    return AppError(500, "api.command_remote.confirm_invitation.error", $"cannot accept invite confirmation for remote {confirm.RemoteId}: {refusal}", TopicInvitation);
                }

                rc.SiteUrl = confirm.SiteUrl;
                rc.RemoteToken = confirm.Token;
                rc.Token = confirm.Version >= 2 && confirm.RefreshedToken.Length > 0 ? confirm.RefreshedToken : MattermostIds.NewId();
            }

            int pingStatus = await PingStatusAsync(rc);
            lock (_gate)
            {
                PingsAfterConfirm.Add(pingStatus);
            }

            // ReturnStatusOK.
            return new Reply(200, Encoding.UTF8.GetBytes("{\"status\":\"OK\"}"), TopicInvitation);
        }
    }

    /// <summary>
    /// api4 uploadRemoteData + api4/upload.go doUploadData + app/upload.go UploadData: the session's remote must be the
    /// caller (401); the body is raw (or the first multipart part); no more than what remains; the first write must be
    /// at least 5 MiB unless it completes the file; 204 while incomplete, 200 with the FileInfo once complete.
    /// </summary>
    private async Task<Reply> UploadDataAsync(HttpContext context, PeerRemoteCluster rc)
    {
        string uploadId = (string)context.Request.RouteValues["upload_id"]!;
        PeerUploadSession? session;
        lock (_gate)
        {
            UploadSessions.TryGetValue(uploadId, out session);
        }

        if (session is null)
        {
            return AppError(404, "app.upload.get.app_error", "Unable to find upload.", "upload");
        }

        if (session.RemoteId != rc.RemoteId)
        {
            return AppError(401, "api.context.remote_id_mismatch.app_error", "Remote ID mismatch.", "upload");
        }

        using var body = new MemoryStream();
        if (context.Request.HasFormContentType)
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            IFormFile? first = form.Files.Count > 0 ? form.Files[0] : null;
            if (first is not null)
            {
                await first.CopyToAsync(body);
            }
        }
        else
        {
            long remaining = session.FileSize - session.FileOffset;
            if (context.Request.ContentLength > remaining)
            {
                return AppError(400, "api.upload.upload_data.invalid_content_length", "Invalid Content-Length.", "upload");
            }

            await context.Request.Body.CopyToAsync(body);
        }

        lock (_gate)
        {
            long remaining = session.FileSize - session.FileOffset;
            byte[] data = body.ToArray();
            int take = (int)Math.Min(data.Length, remaining);
            if (session.FileOffset == 0 && take < MinFirstPartSize && take < session.FileSize)
            {
                return AppError(400, "app.upload.upload_data.first_part_too_small.app_error", "Failed to upload data. First part must be at least 5 MiB.", "upload");
            }

            session.Data.Write(data, 0, take);
            session.FileOffset += take;
            if (session.FileOffset < session.FileSize)
            {
                return new Reply(204, [], "upload");
            }

            var file = new PeerFile(session.ReqFileId, session.UserId, session.ChannelId, session.Filename, session.Data.ToArray(), session.RemoteId, NowMillis());
            Files[file.Id] = file;
            Receipts.Add(new PeerReceipt("file", file.Id));
            UploadSessions.Remove(session.Id);
            return new Reply(200, [.. GoJson.ToBytes(file.Write), (byte)'\n'], "upload");
        }
    }

    /// <summary>
    /// api4 remoteSetProfileImage: multipart field <c>image</c> (400 when missing or empty); the user must exist and be
    /// remote (400) and belong to the caller (401); then 200 {"status":"OK"}.
    /// </summary>
    private async Task<Reply> SetProfileImageAsync(HttpContext context, PeerRemoteCluster rc)
    {
        string userId = (string)context.Request.RouteValues["user_id"]!;
        if (context.Request.ContentLength > Options.MaxFileSize)
        {
            return AppError(413, "api.user.upload_profile_user.too_large.app_error", "Unable to upload profile image. File is too large.", "image");
        }

        if (!context.Request.HasFormContentType)
        {
            return AppError(500, "api.user.upload_profile_user.parse.app_error", "Could not parse multipart form.", "image");
        }

        IFormCollection form = await context.Request.ReadFormAsync();
        IFormFile? image = form.Files.GetFile("image");
        if (image is null)
        {
            return AppError(400, "api.user.upload_profile_user.no_file.app_error", "No file under 'image' in request.", "image");
        }

        if (image.Length == 0)
        {
            return AppError(400, "api.user.upload_profile_user.array.app_error", "Empty array under 'image' in request.", "image");
        }

        using var data = new MemoryStream();
        await image.CopyToAsync(data);
        lock (_gate)
        {
            if (!Users.TryGetValue(userId, out PeerUser? user) || !user.IsRemote)
            {
                return AppError(400, "api.context.invalid_url_param.app_error", "Invalid or missing user_id parameter in request URL.", "image");
            }

            if (user.RemoteId != rc.RemoteId)
            {
                return AppError(401, "api.context.remote_id_mismatch.app_error", "Remote ID mismatch.", "image");
            }

            user.ProfileImage = data.ToArray();
            user.LastPictureUpdate = NowMillis();
        }

        return new Reply(200, Encoding.UTF8.GetBytes("{\"status\":\"OK\"}"), "image");
    }
}
