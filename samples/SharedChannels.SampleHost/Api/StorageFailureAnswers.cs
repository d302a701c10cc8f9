using System.Text.Json;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Api;

/// <summary>
/// Answers a request that failed because the storage is unavailable (a full disk, a read-only data folder, an I/O
/// error; see <see cref="StorageFailures"/>) with 503 and a JSON body saying so, instead of a 500 with an empty body and
/// a stack trace in the log. What failed was rolled back, so nothing was acknowledged that was not stored, and the same
/// request may be sent again later (<c>Retry-After</c>).
/// </summary>
/// <remarks>
/// The chat and admin API answer <c>{"error":"..."}</c>. The SDK's endpoints answer failures of the ports while
/// handling a peer's message themselves (500 and a <c>FAIL</c> body the peer retries); what still reaches this
/// middleware there (e.g. a failure reading the SDK's own database) is answered in the same <c>FAIL</c> shape, so a peer
/// reads it as any other failure and sends the message again.
/// </remarks>
internal static partial class StorageFailureAnswers
{
    private const string RemoteClusterPath = "/api/v4/remotecluster";
    private const string RetryAfterSeconds = "30";

    /// <summary>Adds the middleware; add it before the endpoints and the other middleware of the host.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseStorageFailureAnswers(this IApplicationBuilder app) => app.Use(AnswerStorageFailuresAsync);

    private static async Task AnswerStorageFailuresAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (StorageFailures.Describe(ex) is { } reason && !context.Response.HasStarted)
        {
            // One line, no stack trace: the cause is the environment, not the code. The path names the operation; request
            // bodies (messages) are never logged.
            ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageFailureAnswers));
            LogStorageUnavailable(logger, context.Request.Method, context.Request.Path.Value ?? "", reason, ex.GetType().Name, ex.Message);

            string message = $"Storage is unavailable: {reason}. Nothing was stored; try again once the data folder can be written.";
            bool peer = context.Request.Path.StartsWithSegments(RemoteClusterPath, StringComparison.OrdinalIgnoreCase);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            context.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(context.Response.Body);
            json.WriteStartObject();
            if (peer)
            {
                json.WriteString("status", "FAIL");
                json.WriteString("err", message);
            }
            else
            {
                json.WriteString("error", message);
            }

            json.WriteEndObject();
            await json.FlushAsync(context.RequestAborted);
        }
    }

    [LoggerMessage(9001, LogLevel.Warning, "{Method} {Path} answered 503: storage is unavailable ({Reason}; {ExceptionType}: {ExceptionMessage}).")]
    private static partial void LogStorageUnavailable(ILogger logger, string method, string path, string reason, string exceptionType, string exceptionMessage);
}
