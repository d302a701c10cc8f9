using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Diagnostics;
using SharedChannels.Storage;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Connections.Internal;

/// <summary>
/// Tells SDK peers the site URL this workspace answers at (<c>sdk_site_url_changed</c>), so that a workspace
/// restarted under another host name or port is reached again without an admin on the other side. Sent at every
/// start and every recovery rather than only on a change: nothing has to be stored, the peer ignores an unchanged
/// URL, and a failed announcement is simply repeated next time. Never sent to Mattermost peers, which have no such
/// topic and cannot check a signature.
/// </summary>
internal sealed class SiteUrlAnnouncer(
    RemoteSender sender,
    IOptionsMonitor<SharedChannelsOptions> options,
    ILogger<SiteUrlAnnouncer> logger) : IConnectionObserver
{
    /// <summary>Announces this workspace's site URL to the connection's peer when it is a confirmed SDK peer; failures are logged.</summary>
    public async Task AnnounceAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        if (connection is not { DeletedAt: null, InvitationAccepted: true, PeerSupportsSignedFrames: true, RemoteToken: not null } ||
            !SiteUrls.TryNormalize(options.CurrentValue.SiteUrl, out string siteUrl))
        {
            return;
        }

        try
        {
            await sender.SendMessageAsync(
                connection,
                Topics.SiteUrlChanged,
                new SiteUrlChangedDto { RemoteId = connection.RemoteId, SiteUrl = siteUrl },
                WireJsonContext.Default.SiteUrlChangedDto,
                cancellationToken).ConfigureAwait(false);
            Log.SiteUrlAnnounced(logger, connection.RemoteId, siteUrl);
        }
        catch (SharedChannelsException ex)
        {
            Log.SiteUrlNotAnnounced(logger, connection.RemoteId, ex.Message);
        }
    }

    public Task OnConnectionRecoveredAsync(ConnectionRecord connection, bool wasOffline, CancellationToken cancellationToken) =>
        AnnounceAsync(connection, cancellationToken);

    public Task OnConnectionDeletedAsync(ConnectionRecord connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task OnConnectionOfflineAsync(ConnectionRecord connection, CancellationToken cancellationToken) => Task.CompletedTask;
}
