namespace SharedChannels.Invitations;

/// <summary>
/// Thrown when an invitation code cannot be used. <see cref="Reason"/> says what went wrong, so a caller can
/// tell a person whether to copy the code again, check the password, or ask for a new invitation.
/// The <see cref="SharedChannelsException.ErrorCode"/> is always <see cref="SharedChannelsErrorCode.InvalidInvitation"/>.
/// </summary>
/// <remarks>The message never contains the code, the password or any token.</remarks>
public sealed class InvitationException : SharedChannelsException
{
    /// <summary>Creates an exception for an invitation code that cannot be used.</summary>
    /// <param name="reason">Why the code cannot be used.</param>
    /// <param name="message">A message a person can act on. It must not contain the code, the password or a token.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public InvitationException(InvitationFailureReason reason, string message, Exception? innerException = null)
        : base(SharedChannelsErrorCode.InvalidInvitation, message, isTransient: false, innerException)
    {
        Reason = reason;
    }

    /// <summary>Gets why the invitation code cannot be used.</summary>
    public InvitationFailureReason Reason { get; }

    /// <summary>Creates the exception for text that is not an invitation code.</summary>
    /// <param name="problem">What is wrong with the text, without quoting it.</param>
    internal static InvitationException NotAnInvitationCode(string problem) => new(
        InvitationFailureReason.NotAnInvitationCode,
        $"The text is not an invitation code: {problem}. Copy the whole code from the invitation, without " +
        "quotes or surrounding text, and try again.");

    /// <summary>Creates the exception for a code that no supported key could open.</summary>
    /// <param name="innerException">The authentication failure of the last attempt.</param>
    internal static InvitationException WrongPasswordOrDamaged(Exception innerException) => new(
        InvitationFailureReason.WrongPasswordOrDamaged,
        "The invitation code could not be opened: the password is wrong or the code was damaged in transit. " +
        "Check the password with the person who sent the invitation (it is shared separately from the code), " +
        "then copy the whole code again and retry.",
        innerException);

    /// <summary>Creates the exception for a code that opened but holds no usable invitation.</summary>
    /// <param name="problem">What is missing or wrong, without quoting any value.</param>
    internal static InvitationException InvalidContent(string problem) => new(
        InvitationFailureReason.InvalidContent,
        $"The invitation code was opened but does not contain a valid invitation: {problem}. " +
        "Ask the inviting workspace for a new invitation.");
}
