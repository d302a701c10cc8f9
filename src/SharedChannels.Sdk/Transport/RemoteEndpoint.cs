namespace SharedChannels.Transport;

/// <summary>The endpoints of the remote-cluster protocol (all <c>POST</c> on the peer's site URL).</summary>
public enum RemoteEndpoint
{
    /// <summary><c>/api/v4/remotecluster/ping</c>.</summary>
    Ping = 0,

    /// <summary><c>/api/v4/remotecluster/msg</c>: every topic but ping and invitation confirmation.</summary>
    Message = 1,

    /// <summary><c>/api/v4/remotecluster/confirm_invite</c>.</summary>
    ConfirmInvitation = 2,

    /// <summary><c>/api/v4/remotecluster/upload/{upload_id}</c>: raw file bytes.</summary>
    Upload = 3,

    /// <summary>
    /// <c>/api/v4/remotecluster/{user_id}/image</c>: a user's profile image. <see cref="RemoteRequest.Body"/> holds
    /// the image bytes; over HTTP they travel as the multipart form field <c>image</c>, as Mattermost sends them.
    /// </summary>
    ProfileImage = 4,
}
