using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Internal;
using SharedChannels.Sharing;
using SharedChannels.Sharing.Internal;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Receives files: first the announcement (topic <c>sharedchannel_upload</c>), checked against this workspace's
/// enable flag, size limit and the sender's rights; then the bytes on <c>/upload/{id}</c>, which must match it.
/// </summary>
internal sealed class FileReceiver(
    ISharedChannelStore channels,
    HostPorts host,
    IOptionsMonitor<SharedChannelsOptions> options,
    TimeProvider timeProvider,
    ILogger<FileReceiver> logger) : IFrameHandler, IUploadHandler
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Topics { get; } = [Wire.Topics.SharedChannelUpload];

    public async Task<JsonElement> HandleAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        FeatureGuard.EnsureSharedChannels(options.CurrentValue);
        UploadSessionDto upload = Read(frame.Payload);
        ConnectionRecord connection = frame.Connection;
        IFileContent files = host.Files ?? throw Refuse(connection, upload, SharedChannelsErrorCode.FeatureDisabled, "this workspace does not accept files");
        if (!files.EnableFileAttachments)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.FeatureDisabled, "file attachments are disabled on this workspace");
        }

        // The bytes arrive as one request body, so MaxFrameBytes bounds a file as much as the host's own limit.
        long limit = Math.Min(files.MaxFileSize, options.CurrentValue.MaxFrameBytes);
        if (upload.FileSize > limit)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.PayloadTooLarge, $"the file is {upload.FileSize} bytes; this workspace accepts at most {limit}");
        }

        SharedChannel? channel = await channels.GetChannelAsync(upload.ChannelId!, cancellationToken).ConfigureAwait(false);
        bool shared = channel is not null && (channel.IsHome
            ? await channels.GetRemoteAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false) is { ReadOnly: false }
            : channel.HomeConnectionId == connection.RemoteId);
        if (!shared)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.Forbidden, "the channel is not shared with the sender, or is read-only for it");
        }

        if (await host.Users.GetUserAsync(upload.UserId!, cancellationToken).ConfigureAwait(false) is not { } user || user.RemoteId != connection.RemoteId)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.Forbidden, "the sender may only upload files of its own users");
        }

        bool exists = await files.GetFileAsync(upload.FileId!, cancellationToken).ConfigureAwait(false) is not null;
        if (!exists)
        {
            SweepExpired();
            _sessions[upload.Id!] = new Session(connection.RemoteId, upload, timeProvider.GetUtcNow() + SessionLifetime);
        }

        return JsonSerializer.SerializeToElement(new UploadSessionReplyDto { FileExists = exists }, WireJsonContext.Default.UploadSessionReplyDto);
    }

    public async Task<RemoteResponse> HandleUploadAsync(ConnectionRecord connection, string? uploadId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (uploadId is null || !_sessions.TryGetValue(uploadId, out Session? session) || session.ConnectionId != connection.RemoteId || session.ExpiresAt < timeProvider.GetUtcNow())
        {
            return new RemoteResponse(400, WireFormat.Fail("no upload was announced with this id by this connection"));
        }

        if (content.Length != session.Upload.FileSize)
        {
            return new RemoteResponse(400, WireFormat.Fail($"the upload is {content.Length} bytes but {session.Upload.FileSize} were announced"));
        }

        IFileContent files = host.Files!;
        var file = new FileAttachment
        {
            Id = session.Upload.FileId!,
            ChannelId = session.Upload.ChannelId!,
            UserId = session.Upload.UserId!,
            Name = session.Upload.Filename ?? session.Upload.FileId!,
            Size = content.Length,
            MimeType = session.Upload.MimeType ?? "application/octet-stream",
            CreateAt = SyncMapping.FromMs(Math.Max(session.Upload.CreateAt, 0)),
            RemoteId = connection.RemoteId,
        };
        await files.SaveFileAsync(file, content, cancellationToken).ConfigureAwait(false);
        _sessions.TryRemove(uploadId, out _);

        // Mattermost answers an upload with the file's info.
        string info = $$"""{"id":{{JsonSerializer.Serialize(file.Id, WireJsonContext.Default.String)}},"name":{{JsonSerializer.Serialize(file.Name, WireJsonContext.Default.String)}},"size":{{file.Size.ToString(CultureInfo.InvariantCulture)}},"channel_id":{{JsonSerializer.Serialize(file.ChannelId, WireJsonContext.Default.String)}}}""";
        return new RemoteResponse(200, System.Text.Encoding.UTF8.GetBytes(info));
    }

    private static UploadSessionDto Read(JsonElement payload)
    {
        UploadSessionDto? upload = WireFormat.TryReadObject(payload, WireJsonContext.Default.UploadSessionDto);
        return upload is { Id.Length: > 0, FileId.Length: > 0, ChannelId.Length: > 0, UserId.Length: > 0, FileSize: >= 0 }
            ? upload
            : throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "The upload announcement lacks its id, file id, channel, user or size.");
    }

    private SharedChannelsException Refuse(ConnectionRecord connection, UploadSessionDto upload, SharedChannelsErrorCode code, string reason)
    {
        Log.ItemRefused(logger, connection.RemoteId, "file", upload.FileId ?? "(none)", upload.ChannelId ?? "(none)", reason);
        SharedChannelsMetrics.ItemsRejected.Add(1, new KeyValuePair<string, object?>("kind", "file"), new KeyValuePair<string, object?>("direction", "inbound"));
        return new SharedChannelsException(code, reason);
    }

    private void SweepExpired()
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        foreach (KeyValuePair<string, Session> entry in _sessions)
        {
            if (entry.Value.ExpiresAt < now)
            {
                _sessions.TryRemove(entry.Key, out _);
            }
        }
    }

    private sealed record Session(string ConnectionId, UploadSessionDto Upload, DateTimeOffset ExpiresAt);
}
