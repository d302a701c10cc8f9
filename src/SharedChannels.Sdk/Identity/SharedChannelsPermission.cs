namespace SharedChannels.Identity;

/// <summary>The permissions the SDK checks through <see cref="IPermissionChecker"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named after the permissions it lists, as in Mattermost.")]
public enum SharedChannelsPermission
{
    /// <summary>Create, accept, edit and remove secure connections (<c>manage_secure_connections</c>, <c>/secure-connection</c>).</summary>
    ManageSecureConnections = 0,

    /// <summary>Share channels and manage sharing (<c>manage_shared_channels</c>, <c>/share-channel</c>).</summary>
    ManageSharedChannels = 1,
}
