namespace SharedChannels;

/// <summary>Stable codes for the kinds of failure the SDK reports.</summary>
public enum SharedChannelsErrorCode
{
    /// <summary>An unexpected failure.</summary>
    Unknown = 0,

    /// <summary>An argument or request was not valid; the message says which and why.</summary>
    InvalidArgument = 1,

    /// <summary>The acting user lacks the permission the operation needs.</summary>
    PermissionDenied = 2,

    /// <summary>The feature is switched off by configuration; the message names the setting.</summary>
    FeatureDisabled = 3,

    /// <summary>The named object (connection, channel) does not exist.</summary>
    NotFound = 4,

    /// <summary>The object exists but is not in a state that allows the operation.</summary>
    InvalidState = 5,

    /// <summary>An object with the same identity or name already exists.</summary>
    AlreadyExists = 6,

    /// <summary>An invitation code could not be used; see <see cref="Invitations.InvitationException.Reason"/>.</summary>
    InvalidInvitation = 7,

    /// <summary>The invitation has expired.</summary>
    InvitationExpired = 8,

    /// <summary>The remote workspace could not be reached or did not answer in time.</summary>
    RemoteUnreachable = 9,

    /// <summary>The remote workspace answered, but refused the request.</summary>
    RemoteRejected = 10,

    /// <summary>The caller could not be authenticated as the connection it claims to be.</summary>
    Unauthenticated = 11,

    /// <summary>A remote workspace attempted something outside its rights.</summary>
    Forbidden = 12,

    /// <summary>A payload exceeded a configured size limit.</summary>
    PayloadTooLarge = 13,
}
