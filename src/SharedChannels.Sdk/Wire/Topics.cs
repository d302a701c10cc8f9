namespace SharedChannels.Wire;

/// <summary>The frame topics of the remote-cluster protocol, plus the SDK's own extensions.</summary>
internal static class Topics
{
    public const string Ping = "ping";
    public const string Invitation = "invitation";
    public const string SharedChannelSync = "sharedchannel_sync";
    public const string SharedChannelInvite = "sharedchannel_invite";
    public const string SharedChannelUpload = "sharedchannel_upload";
    public const string GlobalUserSync = "sharedchannel_global_user_sync";
    public const string SharedChannelUnshare = "sharedchannel_unshare";

    /// <summary>SDK extension: the peer deleted the connection. Unknown to Mattermost, which ignores it.</summary>
    public const string ConnectionRemoved = "sdk_connection_removed";

    /// <summary>SDK extension: the peer now answers at another site URL. Sent only to SDK peers (signed frames).</summary>
    public const string SiteUrlChanged = "sdk_site_url_changed";
}
