using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Connections.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Internal;
using SharedChannels.Invitations;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Connections;

/// <summary>
/// Secure connections between this workspace and others: create an invitation, accept one, and manage the
/// connections that result. Every operation takes the acting local user and requires
/// <see cref="SharedChannelsPermission.ManageSecureConnections"/>.
/// </summary>
public class SecureConnections
{
    private readonly IConnectionStore _store;
    private readonly RemoteSender _sender;
    private readonly PermissionGuard _permissions;
    private readonly IOptionsMonitor<SharedChannelsOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConnectionObservers _observers;
    private readonly ILogger _logger;
    private readonly InvitationSealer _invitations;

    /// <summary>Initializes a new instance of the <see cref="SecureConnections"/> class for mocking in a host's unit tests.</summary>
    protected SecureConnections()
        : this(null!, null!, null!, null!, null!, null!, null!, null!)
    {
    }

    internal SecureConnections(
        InvitationSealer invitations,
        IConnectionStore store,
        RemoteSender sender,
        PermissionGuard permissions,
        IOptionsMonitor<SharedChannelsOptions> options,
        TimeProvider timeProvider,
        ConnectionObservers observers,
        ILogger<SecureConnections> logger)
    {
        _store = store;
        _sender = sender;
        _permissions = permissions;
        _options = options;
        _timeProvider = timeProvider;
        _observers = observers;
        _logger = logger;
        _invitations = invitations;
    }

    /// <summary>
    /// Creates a pending connection and its invitation. Hand the code and the password to the other
    /// workspace's administrator through different channels; the password is not shown again.
    /// </summary>
    /// <param name="actingUserId">The local user creating the connection.</param>
    /// <param name="request">Name, display name, destination team and optional password.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The pending connection, the invitation code and its password.</returns>
    /// <exception cref="SharedChannelsException">Disabled, not permitted, invalid or taken name.</exception>
    public virtual async Task<ConnectionInvitation> CreateAsync(string actingUserId, CreateConnectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        SharedChannelsOptions options = _options.CurrentValue;
        FeatureGuard.EnsureRemoteClusterService(options);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSecureConnections, cancellationToken).ConfigureAwait(false);

        string name = ConnectionNames.Normalize(request.Name);
        string password = InvitationSealer.PasswordOrGenerated(request.Password);

        DateTimeOffset now = _timeProvider.GetUtcNow();
        var record = new ConnectionRecord
        {
            RemoteId = RemoteIds.NewId(),
            Name = name,
            DisplayName = ConnectionNames.DisplayNameOrName(request.DisplayName, name),
            DefaultTeamId = request.DefaultTeamId ?? string.Empty,
            CreatorId = actingUserId,
            CreatedAt = now,
            InvitationGeneratedAt = now,
            IsInviter = true,
            Token = RemoteIds.NewId(),
        };

        if (!await _store.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
        {
            throw ConnectionNames.NameTaken(name);
        }

        Log.ConnectionCreated(_logger, record.RemoteId, record.Name, actingUserId);
        return new ConnectionInvitation(ToStatus(record), _invitations.Seal(record, options, password), password);
    }

    /// <summary>
    /// Accepts an invitation from another workspace: opens the code with the password, stores the connection
    /// and confirms it with the inviter. When anything fails, nothing is left behind.
    /// </summary>
    /// <param name="actingUserId">The local user accepting the invitation.</param>
    /// <param name="request">Name, display name, destination team, the code and its password.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The confirmed connection.</returns>
    /// <exception cref="InvitationException">The code or the password is wrong.</exception>
    /// <exception cref="SharedChannelsException">Disabled, not permitted, name taken, already accepted, or the inviter refused or could not be reached.</exception>
    public virtual async Task<RemoteConnection> AcceptAsync(string actingUserId, AcceptInvitationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        SharedChannelsOptions options = _options.CurrentValue;
        FeatureGuard.EnsureRemoteClusterService(options);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSecureConnections, cancellationToken).ConfigureAwait(false);

        string name = ConnectionNames.Normalize(request.Name);
        Invitation invitation = _invitations.Open(request.InvitationCode, request.Password);
        string ownSiteUrl = InvitationSealer.RequireSiteUrl(options);
        if (SameSite(invitation.SiteUrl, ownSiteUrl))
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "This invitation was created by this workspace. It must be accepted on the other workspace.");
        }

        if (await _store.GetAsync(invitation.RemoteId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.AlreadyExists,
                $"This invitation was already used for connection '{existing.Name}' ({existing.RemoteId}). Ask the inviter for a new one.");
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        var record = new ConnectionRecord
        {
            RemoteId = invitation.RemoteId,
            Name = name,
            DisplayName = ConnectionNames.DisplayNameOrName(request.DisplayName, name),
            SiteUrl = invitation.SiteUrl,
            DefaultTeamId = request.DefaultTeamId ?? string.Empty,
            CreatorId = actingUserId,
            CreatedAt = now,
            InvitationGeneratedAt = now,
            IsInviter = false,
            Token = RemoteIds.NewId(),        // what the inviter will present to us (T2)
            RemoteToken = RemoteIds.NewId(),  // what we will present to the inviter once confirmed (T3)
        };

        // Stored before confirming so that a failure can be undone by id and a concurrent accept of the same
        // name or code is refused; the peer cannot use the row until the confirmation below succeeds.
        if (!await _store.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
        {
            throw ConnectionNames.NameTaken(name);
        }

        bool signedFrames;
        try
        {
            signedFrames = await ConfirmWithInviterAsync(record, invitation, ownSiteUrl, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _store.RemoveAsync(record.RemoteId, CancellationToken.None).ConfigureAwait(false);
            Log.AcceptFailed(_logger, record.RemoteId, ex is SharedChannelsException ? ex.Message : ex.GetType().Name);
            throw;
        }

        ConnectionRecord confirmed = record with { InvitationAccepted = true, LastPingAt = _timeProvider.GetUtcNow(), PeerSupportsSignedFrames = signedFrames };
        await _store.UpdateAsync(confirmed, cancellationToken).ConfigureAwait(false);
        Log.InvitationAccepted(_logger, confirmed.RemoteId, confirmed.Name, invitation.SiteUrl);
        await _observers.ConnectionOpenedAsync(confirmed, cancellationToken).ConfigureAwait(false);
        return ToStatus(confirmed);
    }

    /// <summary>
    /// Generates a new invitation code for a pending connection, restarting the acceptance window. Codes and
    /// passwords generated earlier stay valid.
    /// </summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="connectionId">The pending connection.</param>
    /// <param name="password">The password for the new code; <see langword="null"/> generates one.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The new invitation.</returns>
    /// <exception cref="SharedChannelsException">Not found, not pending, not permitted or disabled.</exception>
    public virtual async Task<ConnectionInvitation> RegenerateInvitationAsync(string actingUserId, string connectionId, string? password = null, CancellationToken cancellationToken = default)
    {
        SharedChannelsOptions options = _options.CurrentValue;
        FeatureGuard.EnsureRemoteClusterService(options);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSecureConnections, cancellationToken).ConfigureAwait(false);
        ConnectionRecord record = await GetRecordAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (record.DeletedAt is not null || record.InvitationAccepted || !record.IsInviter)
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"Connection {record.RemoteId} is not a pending invitation created here; only those can get a new invitation.");
        }

        password = InvitationSealer.PasswordOrGenerated(password);

        ConnectionRecord updated = record with { InvitationGeneratedAt = _timeProvider.GetUtcNow() };
        await _store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        string code = _invitations.Seal(record, options, password);
        Log.InvitationRegenerated(_logger, record.RemoteId, actingUserId);
        return new ConnectionInvitation(ToStatus(updated), code, password);
    }

    /// <summary>
    /// Changes a connection's display name, destination team and/or the peer's site URL (for a peer that moved to
    /// another host name or port; only for a confirmed connection).
    /// </summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="request">The fields to change.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The updated connection.</returns>
    /// <exception cref="SharedChannelsException">Not found, deleted, invalid, not permitted or disabled.</exception>
    public virtual async Task<RemoteConnection> UpdateAsync(string actingUserId, string connectionId, UpdateConnectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        FeatureGuard.EnsureRemoteClusterService(_options.CurrentValue);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSecureConnections, cancellationToken).ConfigureAwait(false);
        ConnectionRecord record = await GetRecordAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (record.DeletedAt is not null)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, $"Connection {record.RemoteId} is deleted and cannot be changed.");
        }

        if (request.DisplayName is not null && string.IsNullOrWhiteSpace(request.DisplayName))
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "The display name must not be blank.");
        }

        string? siteUrl = request.SiteUrl is null ? null : ValidatePeerSiteUrl(record, request.SiteUrl);
        ConnectionRecord updated = record with
        {
            DisplayName = request.DisplayName?.Trim() ?? record.DisplayName,
            DefaultTeamId = request.DefaultTeamId ?? record.DefaultTeamId,
            SiteUrl = siteUrl ?? record.SiteUrl,
        };
        await _store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        Log.ConnectionUpdated(_logger, record.RemoteId, actingUserId);
        if (siteUrl is not null && !string.Equals(siteUrl, record.SiteUrl, StringComparison.Ordinal))
        {
            Log.ConnectionSiteUrlUpdated(_logger, record.RemoteId, record.SiteUrl, siteUrl, actingUserId);
        }

        return ToStatus(updated);
    }

    /// <summary>
    /// Deletes a connection (<c>/secure-connection remove</c>): it is kept as <see cref="ConnectionState.Deleted"/>,
    /// removed from every channel shared over it, and the peer is told when it can be reached.
    /// </summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The deleted connection.</returns>
    /// <exception cref="SharedChannelsException">Not found, already deleted, not permitted or disabled.</exception>
    public virtual async Task<RemoteConnection> DeleteAsync(string actingUserId, string connectionId, CancellationToken cancellationToken = default)
    {
        FeatureGuard.EnsureRemoteClusterService(_options.CurrentValue);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSecureConnections, cancellationToken).ConfigureAwait(false);
        ConnectionRecord record = await GetRecordAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (record.DeletedAt is not null)
        {
            throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, $"Connection {record.RemoteId} is already deleted.");
        }

        ConnectionRecord deleted = record with { DeletedAt = _timeProvider.GetUtcNow() };
        await _store.UpdateAsync(deleted, cancellationToken).ConfigureAwait(false);
        Log.ConnectionDeleted(_logger, record.RemoteId, actingUserId);
        await _observers.ConnectionDeletedAsync(deleted, cancellationToken).ConfigureAwait(false);

        if (record.InvitationAccepted && record.RemoteToken is not null)
        {
            try
            {
                // Best effort, in a topic Mattermost ignores: the peer's tokens stop working here anyway.
                await _sender.SendMessageAsync(record, Topics.ConnectionRemoved, new ConnectionRemovedDto { RemoteId = record.RemoteId }, WireJsonContext.Default.ConnectionRemovedDto, cancellationToken).ConfigureAwait(false);
            }
            catch (SharedChannelsException ex)
            {
                Log.PeerNotNotifiedOfDeletion(_logger, record.RemoteId, ex.Message);
            }
        }

        return ToStatus(deleted);
    }

    /// <summary>Gets one connection's status.</summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The connection, or <see langword="null"/> when there is none with that id.</returns>
    /// <exception cref="SharedChannelsException">Not permitted.</exception>
    public virtual async Task<RemoteConnection?> GetAsync(string actingUserId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSecureConnections, cancellationToken).ConfigureAwait(false);
        ConnectionRecord? record = await _store.GetAsync(connectionId.Trim(), cancellationToken).ConfigureAwait(false);
        return record is null ? null : ToStatus(record);
    }

    /// <summary>Lists connections with their state (<c>/secure-connection status</c>).</summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="includeDeleted">Whether deleted connections are listed too.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The connections, oldest first.</returns>
    /// <exception cref="SharedChannelsException">Not permitted.</exception>
    public virtual async Task<IReadOnlyList<RemoteConnection>> ListAsync(string actingUserId, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSecureConnections, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ConnectionRecord> records = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. records.Where(r => includeDeleted || r.DeletedAt is null).Select(ToStatus)];
    }

    internal RemoteConnection ToStatus(ConnectionRecord record) =>
        ConnectionStatus.ToStatus(record, _timeProvider.GetUtcNow(), _options.CurrentValue.OfflineAfter);

    /// <summary>Confirms with the inviter; returns whether both sides agreed on signed frames.</summary>
    private async Task<bool> ConfirmWithInviterAsync(ConnectionRecord record, Invitation invitation, string ownSiteUrl, CancellationToken cancellationToken)
    {
        var payload = new InvitationDto
        {
            RemoteId = record.RemoteId,
            RemoteTeamId = string.Empty,
            SiteUrl = ownSiteUrl,
            Token = record.Token,
            RefreshedToken = record.RemoteToken,
            Version = 3,
            SdkFeatures = [FrameSignature.Feature],
        };
        byte[] body = WireFormat.Frame(record.RemoteId, Topics.Invitation, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), payload, WireJsonContext.Default.InvitationDto);
        var request = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.ConfirmInvitation,
            RemoteId = record.RemoteId,
            Token = invitation.Token, // the inviter still expects the token of the invitation (T1)
            Body = body,
        };
        RemoteResponse response = await _sender.SendAsync(record, new Uri(invitation.SiteUrl), request, _options.CurrentValue.SendTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && WireFormat.TryReadReply(response.Body.Span) is { Id: ReplyDto.InvitationExpiredId })
        {
            // Mattermost's error id for an invitation confirmed after 48 hours, which an SDK inviter sends too.
            throw new SharedChannelsException(
                SharedChannelsErrorCode.InvitationExpired,
                "The invitation has expired: ask the inviting workspace for a new one.");
        }

        ReplyDto reply = RemoteSender.EnsureOk(record.RemoteId, response);

        // Signed frames only when the inviter announced them too; a Mattermost inviter never does.
        ConfirmReplyDto? features = WireFormat.TryReadObject(reply.Payload, WireJsonContext.Default.ConfirmReplyDto);
        return features?.SdkFeatures?.Contains(FrameSignature.Feature, StringComparer.Ordinal) == true;
    }

    private static string ValidatePeerSiteUrl(ConnectionRecord record, string siteUrl)
    {
        if (!record.InvitationAccepted)
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"Connection {record.RemoteId} is a pending invitation: the peer's site URL is learnt when it accepts. Change the site URL once the connection is confirmed.");
        }

        return SiteUrls.TryNormalize(siteUrl, out string normalized)
            ? normalized
            : throw new SharedChannelsException(
                SharedChannelsErrorCode.InvalidArgument,
                "The site URL must be an absolute http or https URL, the address the peer workspace is reached at, e.g. https://chat.example.com.");
    }

    private async Task<ConnectionRecord> GetRecordAsync(string connectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId);
        return await _store.GetAsync(connectionId.Trim(), cancellationToken).ConfigureAwait(false)
            ?? throw new SharedChannelsException(SharedChannelsErrorCode.NotFound, $"There is no secure connection with id '{connectionId.Trim()}'. Run status to list the connections.");
    }

    private static bool SameSite(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
