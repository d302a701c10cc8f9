namespace SharedChannels.Invitations;

/// <summary>Why an invitation code could not be turned into an <see cref="Invitation"/>.</summary>
public enum InvitationFailureReason
{
    /// <summary>
    /// The text is not an invitation code at all: it is empty, contains characters no code contains, or is
    /// too short to hold one. Usually only part of the code was copied.
    /// </summary>
    NotAnInvitationCode = 0,

    /// <summary>
    /// The text looks like an invitation code but could not be opened: the password is wrong, or the code
    /// was changed on its way (a character altered or lost).
    /// </summary>
    WrongPasswordOrDamaged = 1,

    /// <summary>
    /// The code was opened with the password, but what it holds is not a usable invitation (for example the
    /// site URL or the token is missing). The inviting side must create a new invitation.
    /// </summary>
    InvalidContent = 2,
}
