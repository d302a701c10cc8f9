using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Receives files as Mattermost sends them: first the announcement (topic <c>sharedchannel_upload</c>, an
/// <c>UploadSession</c>), checked against this workspace's enable flag, size limit and the sender's rights, and
/// answered with the session as stored; then the bytes on <c>/upload/{id}</c>.
/// </summary>
/// <remarks>
/// As in Mattermost's <c>UploadData</c>, a body may carry only part of the file: the bytes are appended at the
/// session's <c>file_offset</c>, a partial upload is answered 204 and the complete one with the file's info. A body
/// cut off by a broken connection is kept the same way, and announcing the same upload id again answers with the
/// offset reached, so a sender resumes where the bytes stopped. Sessions live in memory for <see cref="SessionLifetime"/>, at most <see cref="MaxPendingUploadsPerConnection"/> per connection.
/// </remarks>
internal sealed class FileReceiver(
    ISharedChannelStore channels,
    IUserDirectory users,
    IOptionsMonitor<SharedChannelsOptions> options,
    TimeProvider timeProvider,
    ILogger<FileReceiver> logger,
    IFileContent? fileContent = null) : IFrameHandler, IUploadHandler
{
    /// <summary>
    /// How long an announced upload waits for its bytes. Mattermost sends them right after the announcement, and an SDK
    /// peer resumes an interrupted upload within its retry delays (at most 5 minutes apart).
    /// </summary>
    internal static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The most uploads one connection may have announced and not finished. Each may hold up to a file's bytes
    /// (at most <see cref="SharedChannelsOptions.MaxFrameBytes"/>), so this bounds what a peer can pin in memory;
    /// a sender uploads one file at a time.
    /// </summary>
    internal const int MaxPendingUploadsPerConnection = 8;
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Topics { get; } = [Wire.Topics.SharedChannelUpload];

    public async Task<JsonElement> HandleAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        FeatureGuard.EnsureSharedChannels(options.CurrentValue);
        UploadSessionDto upload = Read(frame.Payload);
        ConnectionRecord connection = frame.Connection;
        IFileContent files = fileContent ?? throw Refuse(connection, upload, SharedChannelsErrorCode.FeatureDisabled, "this workspace does not accept files");
        if (!files.EnableFileAttachments)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.FeatureDisabled, "file attachments are disabled on this workspace");
        }

        // The bytes may arrive in one request body, so MaxFrameBytes bounds a file as much as the host's own limit.
        long limit = Math.Min(files.MaxFileSize, options.CurrentValue.MaxFrameBytes);
        if (upload.FileSize > limit)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.PayloadTooLarge, $"the file is {upload.FileSize} bytes; this workspace accepts at most {limit}");
        }

        // Announcing an upload id again (same connection, same file) asks where the bytes stopped.
        DateTimeOffset now = timeProvider.GetUtcNow();
        if (_sessions.TryGetValue(upload.Id!, out Session? known) && known.ExpiresAt >= now)
        {
            if (known.ConnectionId != connection.RemoteId || known.Upload.FileId != upload.FileId || known.Upload.FileSize != upload.FileSize)
            {
                throw Refuse(connection, upload, SharedChannelsErrorCode.InvalidArgument, "this upload id is taken by another upload");
            }

            Log.UploadResumed(logger, upload.Id!, connection.RemoteId, known.Offset, known.Upload.FileSize);
            return Reply(known);
        }

        SharedChannel? channel = await channels.GetChannelAsync(upload.ChannelId!, cancellationToken).ConfigureAwait(false);
        bool shared = channel is not null && (channel.IsHome
            ? await channels.GetRemoteAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false) is { ReadOnly: false }
            : channel.HomeConnectionId == connection.RemoteId);
        if (!shared)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.Forbidden, "the channel is not shared with the sender, or is read-only for it");
        }

        if (await users.GetUserAsync(upload.UserId!, cancellationToken).ConfigureAwait(false) is not { } user || user.RemoteId != connection.RemoteId)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.Forbidden, "the sender may only upload files of its own users");
        }

        bool exists = await files.GetFileAsync(upload.FileId!, cancellationToken).ConfigureAwait(false) is not null;

        // Stored as this side sees it: the name sanitized, the connection from authentication, the time from this clock.
        var stored = new UploadSessionDto
        {
            Id = upload.Id,
            Type = UploadSessionDto.AttachmentType,
            CreateAt = now.ToUnixTimeMilliseconds(),
            UserId = upload.UserId,
            ChannelId = upload.ChannelId,
            Filename = FileNames.Sanitize(upload.Filename),
            FileSize = upload.FileSize,
            RemoteId = connection.RemoteId,
            FileId = upload.FileId,
            MimeType = FileNames.SanitizeMimeType(upload.MimeType),
        };

        // A session is kept even for a file this side has: Mattermost sends the bytes whatever the reply says.
        SweepExpired(now);
        if (_sessions.Values.Count(s => s.ConnectionId == connection.RemoteId) >= MaxPendingUploadsPerConnection)
        {
            throw Refuse(connection, upload, SharedChannelsErrorCode.InvalidState, $"the sender has {MaxPendingUploadsPerConnection} uploads announced and not finished, the most this workspace keeps; finish or let them expire first");
        }

        var session = new Session(connection.RemoteId, stored, exists, now + SessionLifetime);
        _sessions[upload.Id!] = session;
        return Reply(session);
    }

    public async Task<RemoteResponse> HandleUploadAsync(ConnectionRecord connection, string? uploadId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (uploadId is null || !_sessions.TryGetValue(uploadId, out Session? session) || session.ConnectionId != connection.RemoteId || session.ExpiresAt < timeProvider.GetUtcNow())
        {
            return new RemoteResponse(400, WireFormat.Fail("no upload was announced with this id by this connection"));
        }

        // One body at a time per upload, as Mattermost's UploadData: two would race for the offset.
        if (!session.TryBegin())
        {
            return new RemoteResponse(400, WireFormat.Fail("another body of this upload is being received"));
        }

        try
        {
            long remaining = session.Upload.FileSize - session.Offset;
            if (content.Length > remaining)
            {
                return new RemoteResponse(400, WireFormat.Fail($"the body is {content.Length} bytes but only {remaining} of the announced {session.Upload.FileSize} remain"));
            }

            session.Append(content.Span);
            if (session.Offset < session.Upload.FileSize)
            {
                // Incomplete: Mattermost answers 204 No Content and waits for the rest.
                return new RemoteResponse(204, ReadOnlyMemory<byte>.Empty);
            }

            UploadSessionDto upload = session.Upload;
            var file = new FileAttachment
            {
                Id = upload.FileId!,
                ChannelId = upload.ChannelId!,
                UserId = upload.UserId!,
                Name = upload.Filename!,
                Size = upload.FileSize,
                MimeType = upload.MimeType!,
                CreateAt = SyncMapping.FromMs(upload.CreateAt),
                RemoteId = connection.RemoteId,
            };

            if (!session.FileExisted)
            {
                IFileContent files = fileContent!;
                await files.SaveFileAsync(file, session.Content, cancellationToken).ConfigureAwait(false);
            }

            _sessions.TryRemove(uploadId, out _);

            // Mattermost answers a completed upload with the file's FileInfo.
            var info = new FileInfoDto
            {
                Id = file.Id,
                CreatorId = file.UserId,
                ChannelId = file.ChannelId,
                CreateAt = upload.CreateAt,
                UpdateAt = upload.CreateAt,
                Name = file.Name,
                Extension = FileNames.Extension(file.Name),
                Size = file.Size,
                MimeType = file.MimeType,
                RemoteId = connection.RemoteId,
            };
            return new RemoteResponse(200, JsonSerializer.SerializeToUtf8Bytes(info, WireJsonContext.Default.FileInfoDto));
        }
        finally
        {
            session.End();
        }
    }

    private static JsonElement Reply(Session session)
    {
        UploadSessionDto stored = session.Upload;
        var reply = new UploadSessionDto
        {
            Id = stored.Id,
            Type = stored.Type,
            CreateAt = stored.CreateAt,
            UserId = stored.UserId,
            ChannelId = stored.ChannelId,
            Filename = stored.Filename,
            FileSize = stored.FileSize,
            FileOffset = session.Offset,
            RemoteId = stored.RemoteId,
            FileId = stored.FileId,
            MimeType = stored.MimeType,
            FileExists = session.FileExisted,
        };
        return JsonSerializer.SerializeToElement(reply, WireJsonContext.Default.UploadSessionDto);
    }

    private static UploadSessionDto Read(ReadOnlyMemory<byte> payload)
    {
        UploadSessionDto? upload = WireFormat.TryReadObject(payload, WireJsonContext.Default.UploadSessionDto);
        if (upload is null || !RemoteIds.IsValid(upload.Id) || !RemoteIds.IsValid(upload.FileId) || !RemoteIds.IsValid(upload.ChannelId) || !RemoteIds.IsValid(upload.UserId) || upload.FileSize < 0)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "The upload announcement lacks a valid id, file id, channel, user or size (ids are 26 lower-case letters or digits).");
        }

        // Mattermost refuses import uploads from peers; an older SDK peer may leave the type out.
        if (!string.IsNullOrEmpty(upload.Type) && upload.Type != UploadSessionDto.AttachmentType)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, $"Only uploads of type '{UploadSessionDto.AttachmentType}' are accepted from peers.");
        }

        return upload;
    }

    private SharedChannelsException Refuse(ConnectionRecord connection, UploadSessionDto upload, SharedChannelsErrorCode code, string reason)
    {
        Log.ItemRefused(logger, connection.RemoteId, "file", upload.FileId ?? "(none)", upload.ChannelId ?? "(none)", reason);
        SharedChannelsMetrics.ItemsRejected.Add(1, new KeyValuePair<string, object?>("kind", "file"), new KeyValuePair<string, object?>("direction", "inbound"));
        return new SharedChannelsException(code, reason);
    }

    private void SweepExpired(DateTimeOffset now)
    {
        foreach (KeyValuePair<string, Session> entry in _sessions)
        {
            if (entry.Value.ExpiresAt < now)
            {
                _sessions.TryRemove(entry.Key, out _);
            }
        }
    }

    /// <summary>An announced upload and the bytes received so far.</summary>
    private sealed class Session(string connectionId, UploadSessionDto upload, bool fileExisted, DateTimeOffset expiresAt)
    {
        private byte[]? _buffer;
        private int _busy;

        public string ConnectionId { get; } = connectionId;

        public UploadSessionDto Upload { get; } = upload;

        public bool FileExisted { get; } = fileExisted;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        /// <summary>Gets how many bytes arrived (Mattermost's <c>file_offset</c>).</summary>
        public long Offset { get; private set; }

        public ReadOnlyMemory<byte> Content => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, (int)Offset);

        public bool TryBegin() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

        public void End() => Volatile.Write(ref _busy, 0);

        public void Append(ReadOnlySpan<byte> bytes)
        {
            // The size is bounded by MaxFrameBytes at announcement, so one buffer holds the file.
            _buffer ??= new byte[Upload.FileSize];
            bytes.CopyTo(_buffer.AsSpan((int)Offset));
            Offset += bytes.Length;
        }
    }
}
