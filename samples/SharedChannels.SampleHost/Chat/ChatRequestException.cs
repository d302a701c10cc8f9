namespace SharedChannels.Samples.Chat;

/// <summary>A request the chat host refuses; the API answers it as a problem with <see cref="StatusCode"/>.</summary>
/// <param name="statusCode">The HTTP status to answer (400, 403, 404 or 409).</param>
/// <param name="message">What was wrong and what to do.</param>
public sealed class ChatRequestException(int statusCode, string message) : Exception(message)
{
    /// <summary>Gets the HTTP status to answer.</summary>
    public int StatusCode { get; } = statusCode;
}
