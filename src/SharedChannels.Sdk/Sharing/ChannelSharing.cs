using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Connections.Internal;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Sync;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sharing;

/// <summary>
/// Shares channels homed on this workspace with connected workspaces, read-write or read-only, and stops
/// sharing them. Every operation takes the acting local user and requires
/// <see cref="SharedChannelsPermission.ManageSharedChannels"/>.
/// </summary>
public partial class ChannelSharing
{
    private readonly ISharedChannelStore _channels;
    private readonly IConnectionStore _connections;
    private readonly ISyncStateStore _syncState;
    private readonly IChannelContent _content;
    private readonly ISystemMessages _systemMessages;
    private readonly RemoteSender _sender;
    private readonly PermissionGuard _permissions;
    private readonly SharedChannelSync _sync;
    private readonly IOptionsMonitor<SharedChannelsOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ChannelSharing"/> class for mocking in a host's unit tests.</summary>
    protected ChannelSharing()
        : this(null!, null!, null!, null!, null!, null!, null!, null!, null!, null!, null!)
    {
    }

    internal ChannelSharing(
        ISharedChannelStore channels,
        IConnectionStore connections,
        ISyncStateStore syncState,
        IChannelContent content,
        ISystemMessages systemMessages,
        RemoteSender sender,
        PermissionGuard permissions,
        SharedChannelSync sync,
        IOptionsMonitor<SharedChannelsOptions> options,
        TimeProvider timeProvider,
        ILogger<ChannelSharing> logger)
    {
        _channels = channels;
        _connections = connections;
        _syncState = syncState;
        _content = content;
        _systemMessages = systemMessages;
        _sender = sender;
        _permissions = permissions;
        _sync = sync;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Marks a channel homed here as shared, without inviting anyone yet. Sharing twice is harmless.</summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The shared channel.</returns>
    /// <exception cref="SharedChannelsException">Disabled, not permitted, unknown channel, DMs not enabled, or the channel came from another workspace.</exception>
    public virtual async Task<SharedChannel> ShareAsync(string actingUserId, string channelId, CancellationToken cancellationToken = default)
    {
        FeatureGuard.EnsureSharedChannels(_options.CurrentValue);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSharedChannels, cancellationToken).ConfigureAwait(false);
        return await EnsureSharedAsync(actingUserId, channelId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Shares a channel homed here with a connection (<c>/share-channel invite</c>), sharing it first if needed.
    /// Inviting a connection that already has the channel switches its mode instead. When the peer cannot be
    /// reached now, the invitation is sent when it is back.
    /// </summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="connectionId">The connection to share it with.</param>
    /// <param name="readOnly">Whether the other workspace may only read.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The remote as recorded; <see cref="SharedChannelRemote.InvitationAccepted"/> tells whether the peer has it.</returns>
    /// <exception cref="SharedChannelsException">Disabled, not permitted, unknown channel or connection, re-share, or the peer refused.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "readOnly is the name callers use as a named argument; virtual only so that hosts can mock the class.")]
    public virtual async Task<SharedChannelRemote> InviteAsync(string actingUserId, string channelId, string connectionId, bool readOnly = false, CancellationToken cancellationToken = default)
    {
        FeatureGuard.EnsureSharedChannels(_options.CurrentValue);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSharedChannels, cancellationToken).ConfigureAwait(false);
        ConnectionRecord connection = await RequireConfirmedConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        SharedChannel channel = await EnsureSharedAsync(actingUserId, channelId, cancellationToken).ConfigureAwait(false);

        SharedChannelRemote? existing = await _channels.GetRemoteAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing.ReadOnly == readOnly && existing.InvitationAccepted
                ? existing
                : await SendInviteAsync(channel, connection, existing with { ReadOnly = readOnly }, cancellationToken).ConfigureAwait(false);
        }

        var remote = new SharedChannelRemote
        {
            ChannelId = channel.ChannelId,
            ConnectionId = connection.RemoteId,
            ReadOnly = readOnly,
            CreatorId = actingUserId,
            CreatedAt = _timeProvider.GetUtcNow(),
        };

        // Sync to a newly invited workspace starts at invitation time.
        string start = await _content.GetLatestCursorAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false);
        await _syncState.SetCursorAsync(new SyncCursor(channel.ChannelId, connection.RemoteId, start, remote.CreatedAt), cancellationToken).ConfigureAwait(false);
        await _channels.UpsertRemoteAsync(remote, cancellationToken).ConfigureAwait(false);
        Log.ChannelInvited(_logger, channel.ChannelId, connection.RemoteId, readOnly);
        return await SendInviteAsync(channel, connection, remote, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Switches a connection between read-only and read-write on a shared channel without unsharing it
    /// (Mattermost needs an uninvite and a new invite for this).
    /// </summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="readOnly">The new mode.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The updated remote.</returns>
    /// <exception cref="SharedChannelsException">Disabled, not permitted, or the channel is not shared with that connection.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "readOnly is the name callers use as a named argument; virtual only so that hosts can mock the class.")]
    public virtual async Task<SharedChannelRemote> SetReadOnlyAsync(string actingUserId, string channelId, string connectionId, bool readOnly, CancellationToken cancellationToken = default)
    {
        FeatureGuard.EnsureSharedChannels(_options.CurrentValue);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSharedChannels, cancellationToken).ConfigureAwait(false);
        SharedChannelRemote remote = await RequireRemoteAsync(channelId, connectionId, cancellationToken).ConfigureAwait(false);
        SharedChannel channel = (await _channels.GetChannelAsync(remote.ChannelId, cancellationToken).ConfigureAwait(false))!;
        ConnectionRecord connection = await RequireConfirmedConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return remote.ReadOnly == readOnly ? remote : await SendInviteAsync(channel, connection, remote with { ReadOnly = readOnly }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops sharing a channel with one connection (<c>/share-channel uninvite</c>). The peer is told; content
    /// stays on both sides. When no connection is left, the channel is no longer shared.
    /// </summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the connection is removed.</returns>
    /// <exception cref="SharedChannelsException">Disabled, not permitted, or the channel is not shared with that connection.</exception>
    public virtual async Task UninviteAsync(string actingUserId, string channelId, string connectionId, CancellationToken cancellationToken = default)
    {
        FeatureGuard.EnsureSharedChannels(_options.CurrentValue);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSharedChannels, cancellationToken).ConfigureAwait(false);
        SharedChannelRemote remote = await RequireRemoteAsync(channelId, connectionId, cancellationToken).ConfigureAwait(false);
        await RemoveRemoteAsync(remote, tellPeer: true, cancellationToken).ConfigureAwait(false);
        if ((await _channels.ListRemotesAsync(remote.ChannelId, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            await _channels.RemoveChannelAsync(remote.ChannelId, cancellationToken).ConfigureAwait(false);
            await _systemMessages.PostAsync(remote.ChannelId, SharingMessages.NoLongerShared, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops sharing a channel with every connection (<c>/share-channel unshare</c>). Content stays everywhere.</summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the channel is no longer shared.</returns>
    /// <exception cref="SharedChannelsException">Disabled, not permitted, not shared, or shared from another workspace.</exception>
    public virtual async Task UnshareAsync(string actingUserId, string channelId, CancellationToken cancellationToken = default)
    {
        FeatureGuard.EnsureSharedChannels(_options.CurrentValue);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSharedChannels, cancellationToken).ConfigureAwait(false);
        SharedChannel channel = await RequireSharedAsync(channelId, cancellationToken).ConfigureAwait(false);
        if (!channel.IsHome)
        {
            throw await NotHomeAsync(channel, cancellationToken).ConfigureAwait(false);
        }

        foreach (SharedChannelRemote remote in await _channels.ListRemotesAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false))
        {
            await RemoveRemoteAsync(remote, tellPeer: true, cancellationToken).ConfigureAwait(false);
        }

        await _channels.RemoveChannelAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false);
        await _systemMessages.PostAsync(channel.ChannelId, SharingMessages.NoLongerShared, cancellationToken).ConfigureAwait(false);
        Log.ChannelUnshared(_logger, channel.ChannelId);
    }

    /// <summary>
    /// Lists the workspaces a channel is shared with (<c>/share-channel status</c>). For a channel received from
    /// another workspace, that is its home.
    /// </summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One line per workspace.</returns>
    /// <exception cref="SharedChannelsException">Not permitted or not shared.</exception>
    public virtual async Task<IReadOnlyList<ChannelShareStatus>> GetStatusAsync(string actingUserId, string channelId, CancellationToken cancellationToken = default)
    {
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSharedChannels, cancellationToken).ConfigureAwait(false);
        SharedChannel channel = await RequireSharedAsync(channelId, cancellationToken).ConfigureAwait(false);
        SharedChannelsOptions options = _options.CurrentValue;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        var lines = new List<ChannelShareStatus>();
        if (channel.HomeConnectionId is { } home)
        {
            if (await _connections.GetAsync(home, cancellationToken).ConfigureAwait(false) is { } connection)
            {
                lines.Add(await LineAsync(connection, channel.ReadOnly, isHome: false, invitationAccepted: true).ConfigureAwait(false));
            }

            return lines;
        }

        foreach (SharedChannelRemote remote in await _channels.ListRemotesAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false))
        {
            if (await _connections.GetAsync(remote.ConnectionId, cancellationToken).ConfigureAwait(false) is { } connection)
            {
                lines.Add(await LineAsync(connection, remote.ReadOnly, isHome: true, remote.InvitationAccepted).ConfigureAwait(false));
            }
        }

        return lines;

        async Task<ChannelShareStatus> LineAsync(ConnectionRecord connection, bool readOnly, bool isHome, bool invitationAccepted)
        {
            SyncCursor? cursor = await _syncState.GetCursorAsync(channel.ChannelId, connection.RemoteId, cancellationToken).ConfigureAwait(false);
            return new ChannelShareStatus
            {
                ConnectionId = connection.RemoteId,
                DisplayName = connection.DisplayName,
                SiteUrl = connection.SiteUrl,
                ReadOnly = readOnly,
                IsHome = isHome,
                InvitationAccepted = invitationAccepted,
                IsOnline = ConnectionStatus.IsOnline(connection, now, options.OfflineAfter),
                LastSyncAt = cursor?.SyncedAt,
            };
        }
    }

    /// <summary>Lists the channels shared with a connection from here, and those it shares with this workspace.</summary>
    /// <param name="actingUserId">The local user.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The shared channels, homed here or at that connection.</returns>
    /// <exception cref="SharedChannelsException">Not permitted.</exception>
    public virtual async Task<IReadOnlyList<SharedChannel>> ListByConnectionAsync(string actingUserId, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId);
        await _permissions.DemandAsync(actingUserId, SharedChannelsPermission.ManageSharedChannels, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SharedChannel> all = await _channels.ListChannelsAsync(cancellationToken).ConfigureAwait(false);
        HashSet<string> sharedWith = [.. (await _channels.ListRemotesByConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false)).Select(r => r.ChannelId)];
        return [.. all.Where(c => c.HomeConnectionId == connectionId || (c.IsHome && sharedWith.Contains(c.ChannelId)))];
    }

    /// <summary>Sends (again) the channel invitation to a remote and records whether it arrived.</summary>
    internal async Task<SharedChannelRemote> SendInviteAsync(SharedChannel channel, ConnectionRecord connection, SharedChannelRemote remote, CancellationToken cancellationToken)
    {
        ChannelInfo info = await _content.GetChannelAsync(channel.ChannelId, cancellationToken).ConfigureAwait(false)
            ?? new ChannelInfo { Id = channel.ChannelId, Name = channel.Name, DisplayName = channel.DisplayName, Type = channel.Type, TeamId = channel.TeamId };
        var invite = new ChannelInviteDto
        {
            ChannelId = info.Id,
            TeamId = info.TeamId,
            ReadOnly = remote.ReadOnly,
            Name = info.Name,
            DisplayName = info.DisplayName,
            Header = info.Header,
            Purpose = info.Purpose,
            Type = SyncMapping.ToWire(info.Type),
            CreatorId = info.CreatorId,
        };

        try
        {
            await _sender.SendMessageAsync(connection, Topics.SharedChannelInvite, invite, WireJsonContext.Default.ChannelInviteDto, cancellationToken).ConfigureAwait(false);
        }
        catch (SharedChannelsException ex) when (ex.IsTransient)
        {
            // Kept pending: the monitor re-sends pending invitations when the peer is back.
            SharedChannelRemote pending = remote with { InvitationAccepted = false };
            await _channels.UpsertRemoteAsync(pending, cancellationToken).ConfigureAwait(false);
            Log.ChannelInvitePending(_logger, channel.ChannelId, connection.RemoteId, ex.Message);
            return pending;
        }
        catch (SharedChannelsException) when (!remote.InvitationAccepted)
        {
            // The peer refused a first invitation: nothing is left behind.
            await _channels.RemoveRemoteAsync(remote.ChannelId, remote.ConnectionId, CancellationToken.None).ConfigureAwait(false);
            await _syncState.RemoveCursorAsync(remote.ChannelId, remote.ConnectionId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        SharedChannelRemote accepted = remote with { InvitationAccepted = true };
        await _channels.UpsertRemoteAsync(accepted, cancellationToken).ConfigureAwait(false);
        _sync.NotifyChannelChanged(channel.ChannelId);
        return accepted;
    }

    /// <summary>Removes a remote of a channel homed here; optionally tells the peer (best effort).</summary>
    internal async Task RemoveRemoteAsync(SharedChannelRemote remote, bool tellPeer, CancellationToken cancellationToken)
    {
        await _channels.RemoveRemoteAsync(remote.ChannelId, remote.ConnectionId, cancellationToken).ConfigureAwait(false);
        await _syncState.RemoveCursorAsync(remote.ChannelId, remote.ConnectionId, cancellationToken).ConfigureAwait(false);
        Log.ChannelUninvited(_logger, remote.ChannelId, remote.ConnectionId);
        if (!tellPeer || await _connections.GetAsync(remote.ConnectionId, cancellationToken).ConfigureAwait(false) is not { DeletedAt: null, InvitationAccepted: true } connection)
        {
            return;
        }

        try
        {
            await _sender.SendMessageAsync(connection, Topics.SharedChannelUnshare, new ChannelUnshareDto { ChannelId = remote.ChannelId, RemoteId = connection.RemoteId }, WireJsonContext.Default.ChannelUnshareDto, cancellationToken).ConfigureAwait(false);
        }
        catch (SharedChannelsException ex)
        {
            // The peer learns it from "channel is no longer shared" the next time it sends.
            Log.PeerNotNotifiedOfUnshare(_logger, remote.ChannelId, remote.ConnectionId, ex.Message);
        }
    }

    private async Task<SharedChannel> EnsureSharedAsync(string actingUserId, string channelId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        SharedChannel? existing = await _channels.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing.IsHome ? existing : throw await NotHomeAsync(existing, cancellationToken).ConfigureAwait(false);
        }

        ChannelInfo info = await _content.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false)
            ?? throw new SharedChannelsException(SharedChannelsErrorCode.NotFound, $"There is no channel with id '{channelId}' on this workspace.");
        if (info.Type is ChannelType.Direct or ChannelType.Group && !_options.CurrentValue.EnableSharedChannelsDMs)
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.FeatureDisabled,
                "Direct and group messages cannot be shared: set SharedChannelsOptions.EnableSharedChannelsDMs to true to allow it.");
        }

        var channel = new SharedChannel
        {
            ChannelId = info.Id,
            TeamId = info.TeamId,
            Name = info.Name,
            DisplayName = info.DisplayName,
            Type = info.Type,
            CreatorId = actingUserId,
            CreatedAt = _timeProvider.GetUtcNow(),
        };
        await _channels.UpsertChannelAsync(channel, cancellationToken).ConfigureAwait(false);
        Log.ChannelShared(_logger, channel.ChannelId, actingUserId);
        return channel;
    }
}
