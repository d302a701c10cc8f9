using Microsoft.Extensions.Logging;
using SharedChannels.Content.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Sends one sync message with what travels beside it: users beyond <see cref="PayloadSplitter.MaxUsersPerMessage"/>
/// first on their own, the files of its posts (<see cref="AttachmentSender"/>), the message, then the profile images
/// of its local users. A message the peer refuses as too large (HTTP 413) is sent again in two halves, posts in order,
/// until the parts fit; a single post that does not fit is reported as refused and skipped, so one oversized post never
/// stalls the channel. What the peer refuses is reported through the <see cref="RejectionReporter"/>.
/// </summary>
internal sealed class BatchSender(RemoteSender sender, AttachmentSender attachments, RejectionReporter rejections, ILogger logger) : ISyncBatchSender
{
    private const int PayloadTooLarge = 413;

    /// <inheritdoc/>
    public async Task<bool> SendAsync(ConnectionRecord connection, SharedChannel channel, SyncMsgDto message, CancellationToken cancellationToken)
    {
        // A message refers to more users than Mattermost ever puts in one (MaxUsersPerSync) and a receiver may take
        // (MaxUsersPerSyncMessage): they go first, in messages of users only, and the message goes without them.
        if (PayloadSplitter.UserChunks(message) is { } chunks)
        {
            foreach (Dictionary<string, UserDto> chunk in chunks)
            {
                if (!await SendUsersAsync(connection, channel, chunk, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }

            message = PayloadSplitter.Part(message, message.Posts, withOtherItems: true, withUsers: false);
        }

        // Files go before their posts, as Mattermost sends them: a failure fails the batch, which is resent whole.
        await attachments.UploadFilesAsync(connection, message, outcome => rejections.Report(connection.RemoteId, channel.ChannelId, outcome), cancellationToken).ConfigureAwait(false);
        RemoteResponse response = await sender.SendFrameAsync(connection, Topics.SharedChannelSync, message, WireJsonContext.Default.SyncMsgDto, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == PayloadTooLarge)
        {
            return await SendInHalvesAsync(connection, channel, message, cancellationToken).ConfigureAwait(false);
        }

        ReplyDto reply;
        try
        {
            reply = RemoteSender.EnsureOk(connection.RemoteId, response);
        }
        catch (SharedChannelsException ex) when (ex.Message.Contains(SharingMessages.ChannelNoLongerSharedError, StringComparison.OrdinalIgnoreCase))
        {
            // The caller drops the channel, once, whatever number of messages were on their way.
            return false;
        }

        Log.BatchSent(logger, channel.ChannelId, connection.RemoteId, message.Posts?.Count ?? 0, message.Reactions?.Count ?? 0, message.Users?.Count ?? 0);

        await attachments.SendProfileImagesAsync(connection, message, cancellationToken).ConfigureAwait(false);
        if (WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.SyncResponseDto) is { } outcome)
        {
            rejections.Report(connection.RemoteId, channel.ChannelId, outcome);
        }

        return true;
    }

    private async Task<bool> SendInHalvesAsync(ConnectionRecord connection, SharedChannel channel, SyncMsgDto message, CancellationToken cancellationToken)
    {
        string reason = $"larger than the peer accepts (HTTP {PayloadTooLarge})";
        if (PayloadSplitter.Halve(message) is not (SyncMsgDto first, SyncMsgDto second))
        {
            if (message.Posts is not [PostDto post])
            {
                // No post left to take out: what remains does not fit either.
                rejections.Report(connection.RemoteId, channel.ChannelId, "batch", message.Id, reason);
                return true;
            }

            // The post alone is too large: it is reported and the rest of the message goes without it.
            rejections.Report(connection.RemoteId, channel.ChannelId, "post", post.Id, reason);
            SyncMsgDto rest = PayloadSplitter.Part(message, posts: null, withOtherItems: true);
            return !PayloadSplitter.HasOtherItems(rest) || await SendAsync(connection, channel, rest, cancellationToken).ConfigureAwait(false);
        }

        Log.BatchSplit(logger, channel.ChannelId, connection.RemoteId, message.Posts!.Count);
        return await SendAsync(connection, channel, first, cancellationToken).ConfigureAwait(false) &&
               await SendAsync(connection, channel, second, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends users on their own; returns <see langword="false"/> when the peer no longer has the channel.</summary>
    private async Task<bool> SendUsersAsync(ConnectionRecord connection, SharedChannel channel, Dictionary<string, UserDto> users, CancellationToken cancellationToken)
    {
        var message = new SyncMsgDto { Id = RemoteIds.NewId(), ChannelId = channel.ChannelId, Users = users };
        ReplyDto reply;
        try
        {
            reply = await sender.SendMessageAsync(connection, Topics.SharedChannelSync, message, WireJsonContext.Default.SyncMsgDto, cancellationToken).ConfigureAwait(false);
        }
        catch (SharedChannelsException ex) when (ex.Message.Contains(SharingMessages.ChannelNoLongerSharedError, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.SyncResponseDto) is { } outcome)
        {
            rejections.Report(connection.RemoteId, channel.ChannelId, outcome);
        }

        return true;
    }
}
