using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Content;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Sends what travels beside a sync message: the files of its posts, before the posts, and the profile images of its
/// local users, after it. Mattermost's order is users, files, posts, reactions, statuses, images
/// (sync_send_remote.go <c>sendSyncData</c>): a Mattermost receiver attaches a post's files only when they arrived
/// first, and accepts a file only from a user it knows.
/// </summary>
/// <remarks>
/// A file upload interrupted after its announcement is resumed: to an SDK peer a file goes in parts of
/// <see cref="SdkPeerChunkBytes"/>, each kept by the receiver; the next attempt announces the same upload id, the
/// receiver answers with the offset reached (<c>file_offset</c>), and the rest is sent from there. A receiver that refuses the repeated id (Mattermost stores upload sessions under a unique id) is sent the
/// whole file under a new id. What was sent is remembered in memory only: after a restart, a peer is asked again and
/// answers that it has the file (<c>sdk_file_exists</c>), or Mattermost receives it once more. The memory is bounded
/// (<see cref="MaxFilesRememberedPerConnection"/> per connection, least recently used forgotten first) and dropped with
/// the connection's worker (<see cref="Forget"/>); a file forgotten is asked about again in the same way.
/// </remarks>
internal sealed class AttachmentSender(
    IUserDirectory userDirectory,
    IFileContent? fileContent,
    RemoteSender sender,
    IOptionsMonitor<SharedChannelsOptions> options,
    ILogger logger)
{
    /// <summary>
    /// The size of the parts a file is sent in to an SDK peer (one whose frames are signed). Each part is its own signed
    /// request; an interruption costs at most the part in flight. Mattermost gets one body: it refuses a first part
    /// under 5 MB that does not complete the file, and its own sender never resumes.
    /// </summary>
    internal const int SdkPeerChunkBytes = 1024 * 1024;

    /// <summary>How many files sent to one connection are remembered (the least recently used are forgotten, then asked about again).</summary>
    internal const int MaxFilesRememberedPerConnection = 10_000;

    private readonly ConcurrentDictionary<string, RecentIds> _filesSent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string ConnectionId, string FileId), string> _interrupted = new();
    private readonly ConcurrentDictionary<(string ConnectionId, string UserId), DateTimeOffset> _imagesSent = new();

    /// <summary>
    /// Uploads the files of the message's live posts that the peer does not have yet. When there are any, the message's
    /// users are sent first on their own, so the receiver knows the uploaders. A file the peer refuses (disabled, too
    /// large) is reported through <paramref name="report"/> and its post goes without it; an unreachable peer, or one
    /// that kept only part of a file, fails the batch, which is retried (and the upload resumed).
    /// </summary>
    public async Task UploadFilesAsync(ConnectionRecord connection, SyncMsgDto message, Action<SyncResponseDto> report, CancellationToken cancellationToken)
    {
        if (message.Posts is not { Count: > 0 } posts || fileContent is not { } files)
        {
            return;
        }

        var pending = new List<FileAttachment>();
        foreach (string fileId in posts.Where(p => p.DeleteAt == 0).SelectMany(p => p.FileIds ?? []).Distinct(StringComparer.Ordinal))
        {
            if (!FilesSentTo(connection.RemoteId).Contains(fileId) &&
                await files.GetFileAsync(fileId, cancellationToken).ConfigureAwait(false) is { } file &&
                file.RemoteId != connection.RemoteId)
            {
                pending.Add(file);
            }
        }

        if (pending.Count == 0)
        {
            return;
        }

        if (message.Users is { Count: > 0 } && !await SendUsersAsync(connection, message, report, cancellationToken).ConfigureAwait(false))
        {
            // The peer refused the users for good (e.g. it no longer has the channel): the message itself will say so.
            return;
        }

        foreach (FileAttachment file in pending)
        {
            await UploadAsync(connection, message.ChannelId!, file, files, report, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the profile images of the message's local users whose <see cref="ChatUser.LastPictureUpdate"/> is later
    /// than what the peer last received. A failure is logged and the image is tried again with the user's next batch.
    /// </summary>
    public async Task SendProfileImagesAsync(ConnectionRecord connection, SyncMsgDto message, CancellationToken cancellationToken)
    {
        if (message.Users is not { Count: > 0 } users)
        {
            return;
        }

        foreach (string userId in users.Keys)
        {
            // Only this workspace's own users: a peer owns the images of its users, as the SDK owns nothing else of theirs.
            if (await userDirectory.GetUserAsync(userId, cancellationToken).ConfigureAwait(false) is not { RemoteId: null, LastPictureUpdate: { } changed } ||
                (_imagesSent.TryGetValue((connection.RemoteId, userId), out DateTimeOffset sent) && sent >= changed))
            {
                continue;
            }

            string? problem;
            try
            {
                problem = await SendProfileImageAsync(connection, userId, cancellationToken).ConfigureAwait(false);
            }
            catch (SharedChannelsException ex)
            {
                problem = ex.Message;
            }

            if (problem is null)
            {
                _imagesSent[(connection.RemoteId, userId)] = changed;
            }
            else
            {
                Log.ProfileImageSendFailed(logger, userId, connection.RemoteId, problem);
            }
        }
    }

    /// <summary>Forgets what was sent to a connection (its worker stopped), and uploads interrupted toward it.</summary>
    public void Forget(string connectionId)
    {
        _filesSent.TryRemove(connectionId, out _);
        foreach ((string ConnectionId, string FileId) key in _interrupted.Keys.Where(k => k.ConnectionId == connectionId))
        {
            _interrupted.TryRemove(key, out _);
        }

        foreach ((string ConnectionId, string UserId) key in _imagesSent.Keys.Where(k => k.ConnectionId == connectionId))
        {
            _imagesSent.TryRemove(key, out _);
        }
    }

    /// <summary>Gets how many files sent to a connection are remembered (for tests).</summary>
    internal int FilesRemembered(string connectionId) => _filesSent.TryGetValue(connectionId, out RecentIds? sent) ? sent.Count : 0;

    private RecentIds FilesSentTo(string connectionId) => _filesSent.GetOrAdd(connectionId, static _ => new RecentIds(MaxFilesRememberedPerConnection));

    private async Task<bool> SendUsersAsync(ConnectionRecord connection, SyncMsgDto message, Action<SyncResponseDto> report, CancellationToken cancellationToken)
    {
        var users = new SyncMsgDto { Id = RemoteIds.NewId(), ChannelId = message.ChannelId, Users = message.Users };
        ReplyDto reply;
        try
        {
            reply = await sender.SendMessageAsync(connection, Topics.SharedChannelSync, users, WireJsonContext.Default.SyncMsgDto, cancellationToken).ConfigureAwait(false);
        }
        catch (SharedChannelsException ex) when (!ex.IsTransient)
        {
            return false;
        }

        if (WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.SyncResponseDto) is { } outcome)
        {
            report(outcome);
        }

        return true;
    }

    private async Task UploadAsync(ConnectionRecord connection, string channelId, FileAttachment file, IFileContent files, Action<SyncResponseDto> report, CancellationToken cancellationToken)
    {
        var key = (connection.RemoteId, file.Id);
        UploadSessionDto? session;
        if (_interrupted.TryGetValue(key, out string? earlierId))
        {
            // Ask where the interrupted upload stopped; a peer that does not know the id gets a new upload.
            session = await AnnounceAsync(connection, channelId, file, earlierId, report, resuming: true, cancellationToken).ConfigureAwait(false)
                ?? await AnnounceAsync(connection, channelId, file, RemoteIds.NewId(), report, resuming: false, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            session = await AnnounceAsync(connection, channelId, file, RemoteIds.NewId(), report, resuming: false, cancellationToken).ConfigureAwait(false);
        }

        if (session is null || session.FileExists)
        {
            // Refused and reported, or the peer has the file already.
            _interrupted.TryRemove(key, out _);
            FilesSentTo(connection.RemoteId).Add(file.Id);
            return;
        }

        ReadOnlyMemory<byte> content = await files.ReadContentAsync(file.Id, cancellationToken).ConfigureAwait(false);
        long offset = Math.Clamp(session.FileOffset, 0, content.Length);
        if (offset > 0)
        {
            Log.UploadResuming(logger, file.Id, connection.RemoteId, offset, content.Length);
        }

        // Remembered before the bytes go: if they are cut off, the next attempt resumes this upload.
        _interrupted[key] = session.Id!;
        int part = connection.PeerSupportsSignedFrames ? SdkPeerChunkBytes : int.MaxValue;
        RemoteResponse response;
        do
        {
            int length = (int)Math.Min(part, content.Length - offset);
            var request = new RemoteRequest
            {
                Endpoint = RemoteEndpoint.Upload,
                RemoteId = connection.RemoteId,
                Token = connection.RemoteToken,
                UploadId = session.Id,
                Body = content.Slice((int)offset, length),
            };
            response = await sender.SendAsync(connection, PeerUrl(connection), request, options.CurrentValue.SendTimeout, cancellationToken).ConfigureAwait(false);
            offset += length;
        }
        while (response.StatusCode == 204 && offset < content.Length);

        if (response.StatusCode >= 500 || response.StatusCode == 204)
        {
            // 204 after the last byte: the peer holds only part of the file; the retry asks where it stopped.
            throw new SharedChannelsException(
                SharedChannelsErrorCode.RemoteRejected,
                $"The peer of connection {connection.RemoteId} did not complete file {file.Id} (HTTP {response.StatusCode}); the upload is resumed with the next attempt.",
                isTransient: true);
        }

        _interrupted.TryRemove(key, out _);
        if (!response.IsSuccessStatusCode)
        {
            // Refused for good (e.g. 413: larger than the peer takes): report it and let the post go without it.
            string reason = WireFormat.TryReadReply(response.Body.Span)?.Err is { } err ? WireFormat.SanitizePeerError(err) : $"HTTP {response.StatusCode}";
            report(new SyncResponseDto { ItemErrors = [new ItemErrorDto { Kind = "file", Id = file.Id, Reason = reason }] });
        }

        FilesSentTo(connection.RemoteId).Add(file.Id);
    }

    /// <summary>
    /// Announces an upload; returns the session as the peer stored it, or <see langword="null"/> when the peer refused
    /// it (reported, unless this was a resume attempt, which falls back to a new upload).
    /// </summary>
    private async Task<UploadSessionDto?> AnnounceAsync(ConnectionRecord connection, string channelId, FileAttachment file, string uploadId, Action<SyncResponseDto> report, bool resuming, CancellationToken cancellationToken)
    {
        var upload = new UploadSessionDto
        {
            Id = uploadId,
            Type = UploadSessionDto.AttachmentType,
            CreateAt = SyncMapping.ToMs(file.CreateAt),
            UserId = file.UserId,
            ChannelId = channelId,
            Filename = file.Name,
            FileSize = file.Size,
            FileId = file.Id,
            MimeType = file.MimeType,
        };

        ReplyDto reply;
        try
        {
            reply = await sender.SendMessageAsync(connection, Topics.SharedChannelUpload, upload, WireJsonContext.Default.UploadSessionDto, cancellationToken).ConfigureAwait(false);
        }
        catch (SharedChannelsException ex) when (!ex.IsTransient && ex.ErrorCode == SharedChannelsErrorCode.RemoteRejected)
        {
            if (!resuming)
            {
                report(new SyncResponseDto { ItemErrors = [new ItemErrorDto { Kind = "file", Id = file.Id, Reason = ex.Message }] });
            }

            return null;
        }

        // Mattermost's sender uploads to the id of the session the receiver answers with; so does this one.
        UploadSessionDto? stored = WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.UploadSessionDto);
        return new UploadSessionDto
        {
            Id = RemoteIds.IsValid(stored?.Id) ? stored.Id : uploadId,
            FileOffset = stored?.FileOffset ?? 0,
            FileExists = stored?.FileExists ?? false,
        };
    }

    /// <summary>Sends one image; returns <see langword="null"/> on success, else why it failed.</summary>
    private async Task<string?> SendProfileImageAsync(ConnectionRecord connection, string userId, CancellationToken cancellationToken)
    {
        if (await userDirectory.GetProfileImageAsync(userId, cancellationToken).ConfigureAwait(false) is not { IsEmpty: false } image)
        {
            return null;
        }

        int limit = options.CurrentValue.EffectiveMaxProfileImageBytes;
        if (image.Length > limit || !ProfileImages.LooksLikeImage(image.Span))
        {
            return $"the image is larger than MaxProfileImageBytes ({limit}) or not a PNG, JPEG, GIF, BMP or WebP image; it is not sent";
        }

        var request = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.ProfileImage,
            RemoteId = connection.RemoteId,
            Token = connection.RemoteToken,
            UserId = userId,
            Body = image,
        };
        RemoteResponse response = await sender.SendAsync(connection, PeerUrl(connection), request, options.CurrentValue.SendTimeout, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == 200
            ? null
            : WireFormat.TryReadReply(response.Body.Span)?.Err is { } err ? $"HTTP {response.StatusCode}: {WireFormat.SanitizePeerError(err)}" : $"HTTP {response.StatusCode}";
    }

    private static Uri PeerUrl(ConnectionRecord connection) =>
        connection.SiteUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
            ? uri
            : throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, $"Connection {connection.RemoteId} has no peer site URL yet.");
}
