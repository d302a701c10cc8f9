namespace SharedChannels.Identity;

/// <summary>How a remote user's username is made unique on this workspace.</summary>
public enum UsernameCollisionPolicy
{
    /// <summary>
    /// Keep the remote username (<c>john</c>) unless it is taken here; then <c>john:&lt;connection name&gt;</c>,
    /// then numbered. This is what the product guide promises.
    /// </summary>
    SuffixOnCollision = 0,

    /// <summary>Always rename remote users to <c>user[-N]:&lt;connection name&gt;</c>, exactly as Mattermost does.</summary>
    AlwaysSuffix = 1,
}
