using Microsoft.Extensions.Logging;

namespace SharedChannels.Http.Internal;

/// <summary>
/// Log messages of the HTTP package (event ids 3000–3099). Never tokens, signatures or bodies: only endpoints,
/// hosts, sizes and status codes.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Debug, "POST {Endpoint} to {Target} answered HTTP {StatusCode} in {ElapsedMilliseconds} ms ({ResponseBytes} bytes).")]
    public static partial void RequestSent(ILogger logger, string endpoint, string target, int statusCode, long elapsedMilliseconds, int responseBytes);

    [LoggerMessage(3001, LogLevel.Warning, "The reply to {Endpoint} from {Target} exceeds the limit of {MaxResponseBytes} bytes; the request failed.")]
    public static partial void ResponseTooLarge(ILogger logger, string endpoint, string target, int maxResponseBytes);

    [LoggerMessage(3002, LogLevel.Warning, "{Endpoint} to {Target} did not answer within the transport's backstop of {Timeout}.")]
    public static partial void BackstopTimeout(ILogger logger, string endpoint, string target, TimeSpan timeout);

    [LoggerMessage(3051, LogLevel.Warning, "Dropped an inbound {Endpoint} request whose body could not be read (HTTP {StatusCode}: cut short, or slower than the server's minimum data rate); the connection was closed.")]
    public static partial void RequestBodyFailed(ILogger logger, string endpoint, int statusCode);

    [LoggerMessage(3050, LogLevel.Warning, "Refused an inbound {Endpoint} request: the body exceeds SharedChannelsOptions.MaxFrameBytes ({MaxFrameBytes} bytes).")]
    public static partial void RequestTooLarge(ILogger logger, string endpoint, int maxFrameBytes);
}
