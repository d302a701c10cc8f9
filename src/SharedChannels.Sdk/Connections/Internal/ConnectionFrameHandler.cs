using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Connections.Internal;

/// <summary>
/// Handles the connection topics a peer sends: the confirmation of our invitation, the peer's deletion notice, and
/// an SDK peer's announcement of its new site URL.
/// </summary>
internal sealed class ConnectionFrameHandler(
    IConnectionStore store,
    IOptionsMonitor<SharedChannelsOptions> options,
    TimeProvider timeProvider,
    ConnectionObservers observers,
    ILogger<ConnectionFrameHandler> logger) : IFrameHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [Wire.Topics.Invitation, Wire.Topics.ConnectionRemoved, Wire.Topics.SiteUrlChanged];

    public Task<JsonElement> HandleAsync(InboundFrame frame, CancellationToken cancellationToken) => frame.Topic switch
    {
        Wire.Topics.Invitation => ConfirmAsync(frame, cancellationToken),
        Wire.Topics.SiteUrlChanged => PeerSiteUrlChangedAsync(frame, cancellationToken),
        _ => PeerDeletedAsync(frame, cancellationToken),
    };

    private async Task<JsonElement> ConfirmAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        ConnectionRecord connection = frame.Connection;
        if (frame.Endpoint != RemoteEndpoint.ConfirmInvitation)
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvalidArgument, "an invitation confirmation must be sent to the confirm_invite endpoint");
        }

        InvitationDto? confirm = WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.InvitationDto);
        if (confirm is null || string.IsNullOrEmpty(confirm.Token) || string.IsNullOrEmpty(confirm.SiteUrl))
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvalidArgument, "the confirmation lacks the token or the site URL");
        }

        // Mattermost checks only the header; we bind payload, frame and credentials to one connection.
        if (!string.Equals(confirm.RemoteId, connection.RemoteId, StringComparison.Ordinal))
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvalidArgument, "the confirmation is for a different connection than the one it was sent as");
        }

        // The invitation's token must stop working the moment the confirmation succeeds: a code and password leaked
        // later must open nothing. Mattermost also refuses a refreshed token equal to the invitation's.
        if (string.IsNullOrEmpty(confirm.RefreshedToken) ||
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(confirm.RefreshedToken), Encoding.UTF8.GetBytes(connection.Token)))
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvalidArgument, "the confirmation must carry a refreshed_token different from the invitation's token (version 2 or later)");
        }

        if (!connection.IsInviter)
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvalidState, "this workspace did not create an invitation for this connection");
        }

        if (connection.InvitationAccepted)
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvalidState, "the invitation was already accepted");
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        if (now - connection.InvitationGeneratedAt > options.CurrentValue.InvitationExpiry)
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvitationExpired, "the invitation has expired; ask the inviter for a new one");
        }

        if (!Uri.TryCreate(confirm.SiteUrl, UriKind.Absolute, out Uri? siteUrl) || (siteUrl.Scheme != Uri.UriSchemeHttp && siteUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw Refuse(connection, SharedChannelsErrorCode.InvalidArgument, "the site URL in the confirmation is not an absolute http(s) URL");
        }

        ConnectionRecord confirmed = connection with
        {
            SiteUrl = confirm.SiteUrl.TrimEnd('/'),
            RemoteToken = confirm.Token,
            Token = confirm.RefreshedToken,
            InvitationAccepted = true,
            LastPingAt = now,
            PeerSupportsSignedFrames = confirm.SdkFeatures?.Contains(FrameSignature.Feature, StringComparer.Ordinal) == true,
        };
        await store.UpdateAsync(confirmed, cancellationToken).ConfigureAwait(false);
        Log.ConnectionConfirmed(logger, connection.RemoteId, connection.Name, confirmed.SiteUrl);

        // The peer takes our requests once it has this answer (Mattermost confirms only then).
        frame.Reply.OnSent(() => _ = observers.ConnectionOpenedAsync(confirmed, CancellationToken.None));

        // Announced only to a peer that announced it: both sides switch signing on, or neither does.
        return confirmed.PeerSupportsSignedFrames
            ? JsonSerializer.SerializeToElement(new ConfirmReplyDto { SdkFeatures = [FrameSignature.Feature] }, WireJsonContext.Default.ConfirmReplyDto)
            : default;
    }

    private async Task<JsonElement> PeerDeletedAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        ConnectionRemovedDto? notice = WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.ConnectionRemovedDto);
        if (notice is null || !string.Equals(notice.RemoteId, frame.Connection.RemoteId, StringComparison.Ordinal))
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "The removal notice is for a different connection than the one it was sent as.");
        }

        ConnectionRecord deleted = frame.Connection with { DeletedAt = timeProvider.GetUtcNow() };
        await store.UpdateAsync(deleted, cancellationToken).ConfigureAwait(false);
        Log.ConnectionDeletedByPeer(logger, deleted.RemoteId);
        await observers.ConnectionDeletedAsync(deleted, cancellationToken).ConfigureAwait(false);
        return default;
    }

    private async Task<JsonElement> PeerSiteUrlChangedAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        ConnectionRecord connection = frame.Connection;

        // The dispatcher verifies signatures only where both sides agreed on them: a token alone (all a Mattermost
        // peer's frames carry) must not be enough to redirect every later request.
        if (!connection.PeerSupportsSignedFrames)
        {
            throw RefuseAnnouncement(connection, "site URL announcements are accepted only from peers that sign their frames");
        }

        if (!connection.InvitationAccepted || frame.Endpoint != RemoteEndpoint.Message)
        {
            throw RefuseAnnouncement(connection, "a site URL announcement needs a confirmed connection and the message endpoint");
        }

        SiteUrlChangedDto? notice = WireFormat.TryReadObject(frame.Payload, WireJsonContext.Default.SiteUrlChangedDto);
        if (notice is null || !string.Equals(notice.RemoteId, connection.RemoteId, StringComparison.Ordinal))
        {
            throw RefuseAnnouncement(connection, "the announcement is for a different connection than the one it was sent as");
        }

        if (!SiteUrls.TryNormalize(notice.SiteUrl, out string siteUrl))
        {
            throw RefuseAnnouncement(connection, "the announced site URL is not an absolute http(s) URL");
        }

        // Sent at every start and recovery: the same URL again changes nothing.
        if (string.Equals(siteUrl, connection.SiteUrl, StringComparison.Ordinal))
        {
            return default;
        }

        ConnectionRecord moved = connection with { SiteUrl = siteUrl };
        await store.UpdateAsync(moved, cancellationToken).ConfigureAwait(false);
        Log.PeerSiteUrlChanged(logger, connection.RemoteId, siteUrl, connection.SiteUrl);

        // Whatever failed toward the old address is caught up at the new one, without waiting for the next ping.
        frame.Reply.OnSent(() => _ = observers.ConnectionRecoveredAsync(moved, wasOffline: false, CancellationToken.None));
        return default;
    }

    private SharedChannelsException RefuseAnnouncement(ConnectionRecord connection, string reason)
    {
        Log.SiteUrlAnnouncementRefused(logger, connection.RemoteId, reason);
        return new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, $"Site URL announcement refused: {reason}.");
    }

    private SharedChannelsException Refuse(ConnectionRecord connection, SharedChannelsErrorCode code, string reason)
    {
        Log.ConfirmRefused(logger, connection.RemoteId, reason);
        return new SharedChannelsException(code, $"Confirmation refused: {reason}.");
    }
}
