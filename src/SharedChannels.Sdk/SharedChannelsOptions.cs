using SharedChannels.Identity;

namespace SharedChannels;

/// <summary>
/// Settings of the SDK. The names follow Mattermost's configuration where one exists
/// (<c>EnableRemoteClusterService</c>, <c>EnableSharedChannels</c>, <c>MaxPostsPerSync</c>, …).
/// Validated when the host starts; an invalid value fails start-up with a message that says what to fix.
/// </summary>
public sealed class SharedChannelsOptions
{
    /// <summary>The default for <see cref="MaxPostsPerSync"/>.</summary>
    public const int DefaultMaxPostsPerSync = 50;

    /// <summary>The default for <see cref="MaxPostsPerSyncToSdkPeers"/>.</summary>
    public const int DefaultMaxPostsPerSyncToSdkPeers = 500;

    /// <summary>The default for <see cref="MaxSyncRequestsInFlight"/>.</summary>
    public const int DefaultMaxSyncRequestsInFlight = 4;

    /// <summary>The default for <see cref="MaxPostMessageLength"/>: Mattermost's <c>PostMessageMaxRunesV2</c>.</summary>
    public const int DefaultMaxPostMessageLength = 16_383;

    /// <summary>The default for <see cref="MaxUsersPerSyncMessage"/>: the largest global user sync batch Mattermost can be configured to send.</summary>
    public const int DefaultMaxUsersPerSyncMessage = 200;

    /// <summary>The default for <see cref="GlobalUserSyncBatchSize"/>: Mattermost's <c>MaxUsersPerSync</c>.</summary>
    public const int DefaultGlobalUserSyncBatchSize = 25;

    /// <summary>The default of <see cref="MaxProfileImageBytes"/>: 5 MiB.</summary>
    public const int DefaultMaxProfileImageBytes = 5 * 1024 * 1024;

    /// <summary>
    /// Gets or sets a value indicating whether secure connections (the remote-cluster service) are enabled.
    /// Off by default. Without it, connections cannot be created or accepted and inbound frames are refused.
    /// </summary>
    public bool EnableRemoteClusterService { get; set; }

    /// <summary>Gets or sets a value indicating whether channels may be shared over secure connections. Off by default.</summary>
    public bool EnableSharedChannels { get; set; }

    /// <summary>Gets or sets a value indicating whether direct and group messages with remote users are allowed. Off by default.</summary>
    public bool EnableSharedChannelsDMs { get; set; }

    /// <summary>Gets or sets a value indicating whether user status (online, away, …) is <em>not</em> synchronized.</summary>
    public bool DisableSharedChannelsStatusSync { get; set; }

    /// <summary>
    /// Gets or sets the maximum number of posts in one sync message. Values below 1 mean
    /// <see cref="DefaultMaxPostsPerSync"/> (50), as in Mattermost.
    /// </summary>
    public int MaxPostsPerSync { get; set; } = DefaultMaxPostsPerSync;

    /// <summary>
    /// Gets or sets the maximum number of posts in one sync message to a peer running this SDK (recognized at
    /// confirmation by the features it announces). Such a peer applies a message in one go, and a host that commits
    /// once per message (as the sample host does) pays one durable commit per message, so a backlog catches up
    /// several times faster in larger messages; a single change is sent at once whatever this is. A message the
    /// peer refuses as too large (HTTP 413) is split in halves until it fits. Never below
    /// <see cref="MaxPostsPerSync"/>; values below 1 mean <see cref="DefaultMaxPostsPerSyncToSdkPeers"/> (500).
    /// </summary>
    public int MaxPostsPerSyncToSdkPeers { get; set; } = DefaultMaxPostsPerSyncToSdkPeers;

    /// <summary>
    /// Gets or sets how many sync messages of one channel may be on their way to a peer at once while it catches up.
    /// Applies only to peers running this SDK (recognized at confirmation by the features they announce), whose
    /// receiver gives the same result whatever order the messages arrive in, except that a reaction or
    /// acknowledgement needs its post, and that a host without the optional history lookups keeps the last version of
    /// a reaction or membership to arrive: a page that depends on a page in flight in either way waits for that
    /// page's answer. Mattermost peers always get one at a time, as Mattermost sends them. The cursor still only
    /// moves past messages the peer accepted, in order. Values below 1 mean
    /// <see cref="DefaultMaxSyncRequestsInFlight"/>; 1 sends one at a time to every peer.
    /// </summary>
    public int MaxSyncRequestsInFlight { get; set; } = DefaultMaxSyncRequestsInFlight;

    /// <summary>
    /// Gets or sets the longest post message accepted from a peer, in Unicode characters (runes); a longer post is
    /// refused (reported back to the peer) and stores nothing. Default <see cref="DefaultMaxPostMessageLength"/>
    /// (16 383), Mattermost's own limit, so no Mattermost post is ever refused; below 1 means the default; at most
    /// 1 000 000.
    /// </summary>
    public int MaxPostMessageLength { get; set; } = DefaultMaxPostMessageLength;

    /// <summary>
    /// Gets or sets the most users a peer may describe in one sync message; the users beyond it are refused (reported
    /// back to the peer) and stored nothing of, so one message cannot create shadow users without bound. Mattermost
    /// puts at most 25 users in a channel sync message and at most its <c>GlobalUserSyncBatchSize</c> (25 by default,
    /// 200 at most) in a global user sync message; this SDK sends at most 25. Default
    /// <see cref="DefaultMaxUsersPerSyncMessage"/> (200), so no Mattermost message is ever cut; below 1 means the
    /// default; at most 10 000.
    /// </summary>
    public int MaxUsersPerSyncMessage { get; set; } = DefaultMaxUsersPerSyncMessage;

    /// <summary>
    /// Gets or sets a value indicating whether every local user is sent to a connection when it opens (confirmed,
    /// back online, or at start), not only the users that take part in shared channels: Mattermost's
    /// <c>SyncUsersOnConnectionOpen</c> (topic <c>sharedchannel_global_user_sync</c>). Off by default. Each time, the users
    /// changed since the last global user sync to that connection go out, in messages of
    /// <see cref="GlobalUserSyncBatchSize"/>; shadows of remote users never do. The host's
    /// <see cref="IUserDirectory"/> must implement <see cref="IUserDirectory.ListLocalUsersAsync"/>. Global user syncs
    /// from peers are applied whatever this says.
    /// </summary>
    public bool SyncUsersOnConnectionOpen { get; set; }

    /// <summary>
    /// Gets or sets how many users go in one global user sync message (see <see cref="SyncUsersOnConnectionOpen"/>):
    /// at most 200; values below 1 mean <see cref="DefaultGlobalUserSyncBatchSize"/> (25), as Mattermost's
    /// <c>GlobalUserSyncBatchSize</c>.
    /// </summary>
    public int GlobalUserSyncBatchSize { get; set; } = DefaultGlobalUserSyncBatchSize;

    /// <summary>
    /// Gets or sets this workspace's public site URL (absolute http or https), sent to peers in invitations and
    /// confirmations. Required when <see cref="EnableRemoteClusterService"/> is on.
    /// </summary>
    public string? SiteUrl { get; set; }

    /// <summary>Gets or sets how often each confirmed connection is pinged. Default 1 minute.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long a ping may take before it counts as failed. Default 15 seconds.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long after the last successful outbound ping a connection is considered offline.
    /// Default 5 minutes.
    /// </summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long an invitation can be accepted, counted from the generation of the latest
    /// invitation of the connection. Default 48 hours.
    /// </summary>
    public TimeSpan InvitationExpiry { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Gets or sets how long sending one message to a peer may take. Default 60 seconds.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the largest request body accepted from a peer, in bytes. Larger requests are refused
    /// (HTTP 413) before they are parsed. Default 16 MiB.
    /// </summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest profile image, in bytes, accepted from a peer (larger ones are answered 413) and sent to
    /// one (larger local images are not sent). Default <see cref="DefaultMaxProfileImageBytes"/> (5 MiB); at least 1024.
    /// An image arrives in one request body, so <see cref="MaxFrameBytes"/> bounds it too.
    /// </summary>
    public int MaxProfileImageBytes { get; set; } = DefaultMaxProfileImageBytes;

    /// <summary>The default of <see cref="ConnectionLeaseDuration"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultConnectionLeaseDuration = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets, when several processes (nodes) of this workspace share one database (the PostgreSQL package), how
    /// long a node's lease on a connection lasts without renewal. One node at a time holds each connection's lease and
    /// runs its outbound worker and pings; it renews the lease every third of this duration. When the node dies, another
    /// takes over once the lease has expired: within this duration plus a third of it. Shorter means faster takeover and
    /// more database writes (one per connection per renewal). Ignored with a single process. Default
    /// <see cref="DefaultConnectionLeaseDuration"/> (5 seconds); between 1 second and 10 minutes.
    /// </summary>
    public TimeSpan ConnectionLeaseDuration { get; set; } = DefaultConnectionLeaseDuration;

    /// <summary>
    /// Gets or sets this process's id among the nodes of the workspace, as leases and logs show it: letters, digits and
    /// <c>. _ - : @</c>, at most 128 characters, unique among the nodes running at once. Default
    /// <see langword="null"/>: the machine name, the process id and a random suffix, new at each start (so a restarted
    /// process never mistakes its predecessor's leases for its own).
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>Gets or sets how remote users are named locally. Default <see cref="UsernameCollisionPolicy.SuffixOnCollision"/>.</summary>
    public UsernameCollisionPolicy UsernameCollisionPolicy { get; set; } = UsernameCollisionPolicy.SuffixOnCollision;

    /// <summary>Gets the effective batch size: <see cref="MaxPostsPerSync"/>, or 50 when it is below 1.</summary>
    internal int EffectiveMaxPostsPerSync => MaxPostsPerSync < 1 ? DefaultMaxPostsPerSync : MaxPostsPerSync;

    /// <summary>Gets the effective batch size toward SDK peers: <see cref="MaxPostsPerSyncToSdkPeers"/> (500 when below 1), at least <see cref="EffectiveMaxPostsPerSync"/>.</summary>
    internal int EffectiveMaxPostsPerSyncToSdkPeers => Math.Max(EffectiveMaxPostsPerSync, MaxPostsPerSyncToSdkPeers < 1 ? DefaultMaxPostsPerSyncToSdkPeers : MaxPostsPerSyncToSdkPeers);

    /// <summary>Gets the effective user limit: <see cref="MaxUsersPerSyncMessage"/>, or 200 when it is below 1.</summary>
    internal int EffectiveMaxUsersPerSyncMessage => MaxUsersPerSyncMessage < 1 ? DefaultMaxUsersPerSyncMessage : MaxUsersPerSyncMessage;

    /// <summary>Gets the effective message limit: <see cref="MaxPostMessageLength"/>, or 16 383 when it is below 1.</summary>
    internal int EffectiveMaxPostMessageLength => MaxPostMessageLength < 1 ? DefaultMaxPostMessageLength : MaxPostMessageLength;

    /// <summary>Gets the effective global user sync batch: <see cref="GlobalUserSyncBatchSize"/>, or 25 when it is below 1.</summary>
    internal int EffectiveGlobalUserSyncBatchSize => GlobalUserSyncBatchSize < 1 ? DefaultGlobalUserSyncBatchSize : GlobalUserSyncBatchSize;

    /// <summary>Gets the effective window toward SDK peers: <see cref="MaxSyncRequestsInFlight"/>, or 4 when it is below 1.</summary>
    internal int EffectiveMaxProfileImageBytes => Math.Min(MaxProfileImageBytes, MaxFrameBytes);

    /// <summary>Gets how often held leases are renewed and free ones sought: a third of <see cref="ConnectionLeaseDuration"/>.</summary>
    internal TimeSpan ConnectionLeaseRenewInterval => ConnectionLeaseDuration / 3;

    internal int EffectiveMaxSyncRequestsInFlight => MaxSyncRequestsInFlight < 1 ? DefaultMaxSyncRequestsInFlight : MaxSyncRequestsInFlight;
}
