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
}
