namespace SharedChannels;

/// <summary>
/// The single exception family of the SDK. Every failure the SDK reports to a caller is a
/// <see cref="SharedChannelsException"/> (or a subtype where the caller must react differently), carrying a
/// stable <see cref="ErrorCode"/> and whether retrying the same operation later may succeed.
/// </summary>
/// <remarks>
/// Messages say what was wrong and what to do about it. They never contain secrets: tokens, passwords,
/// invitation codes and message bodies are never part of a message.
/// </remarks>
public class SharedChannelsException : Exception
{
    /// <summary>Creates an exception with the given error code and message.</summary>
    /// <param name="errorCode">The stable code that identifies the kind of failure.</param>
    /// <param name="message">A message a person can act on.</param>
    /// <param name="isTransient">Whether retrying the same operation later may succeed.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public SharedChannelsException(SharedChannelsErrorCode errorCode, string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        IsTransient = isTransient;
    }

    /// <summary>Gets the stable code that identifies the kind of failure.</summary>
    public SharedChannelsErrorCode ErrorCode { get; }

    /// <summary>Gets a value indicating whether retrying the same operation later may succeed.</summary>
    public bool IsTransient { get; }
}
