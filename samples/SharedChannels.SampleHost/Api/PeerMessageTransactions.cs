using System.Text;
using Microsoft.Data.Sqlite;
using SharedChannels.Samples.Chat;
using SharedChannels.Storage;
using SharedChannels.Sync;

namespace SharedChannels.Samples.Api;

/// <summary>
/// Runs each message a peer posts to <c>/api/v4/remotecluster/msg</c> in one chat-database transaction
/// (<see cref="PeerMessageTransaction"/>), committed before the SDK's answer is sent: the peer never hears OK for
/// something that is not stored, and a message is stored whole or not at all. The answer is held back until then.
/// </summary>
internal static partial class PeerMessageTransactions
{
    private const string MessagePath = "/api/v4/remotecluster/msg";

    /// <summary>Adds the middleware for the SDK's message endpoint.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseOneTransactionPerPeerMessage(this IApplicationBuilder app) =>
        app.UseWhen(
            context => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(MessagePath, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(ApplyInOneTransactionAsync));

    private static async Task ApplyInOneTransactionAsync(HttpContext context, RequestDelegate next)
    {
        ChatDatabase database = context.RequestServices.GetRequiredService<ChatDatabase>();
        Stream answer = context.Response.Body;
        using var heldBack = new MemoryStream();
        string[] changedChannels;
        string[] locallyChangedChannels;
        await using (PeerMessageTransaction transaction = PeerMessageTransaction.Begin(database, context.RequestAborted))
        {
            context.Response.Body = heldBack;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = answer;
            }

            // 200 is the SDK's answer to a message it handled, accepted or refused (refusals change nothing). Anything
            // else (500: a failure part-way) rolls back, and the peer sends the message again.
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                await answer.WriteAsync(heldBack.GetBuffer().AsMemory(0, (int)heldBack.Length), context.RequestAborted);
                return;
            }

            try
            {
                await transaction.CommitAsync();
            }
            catch (SqliteException ex)
            {
                // The SDK answered OK for what could not be stored: answer a failure instead, so the peer sends the
                // message again (with a new message id: the SDK's memory of answered ids does not get in the way).
                LogCommitFailed(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PeerMessageTransactions)), ex);
                byte[] failure = Encoding.UTF8.GetBytes("""{"status":"FAIL","err":"the workspace could not store the message; it may be retried"}""");
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentLength = failure.Length;
                await answer.WriteAsync(failure, context.RequestAborted);
                return;
            }

            changedChannels = [.. transaction.ChangedChannels];
            locallyChangedChannels = [.. transaction.LocallyChangedChannels];
        }

        // The SDK was told about these channels while it applied the message, before the commit: its workers may have
        // looked too early. Now the rows are visible, so it is woken again where it has something to send: changes of
        // this workspace's own, and the peer's items in a channel homed here (the home relays them to the other
        // workspaces). A workspace that received a channel never sends a peer's items anywhere, so it is not woken
        // for them (its worker would read them only to drop them as the peer's own).
        SharedChannelSync sync = context.RequestServices.GetRequiredService<SharedChannelSync>();
        ISharedChannelStore channels = context.RequestServices.GetRequiredService<ISharedChannelStore>();
        foreach (string channelId in changedChannels)
        {
            if (locallyChangedChannels.Contains(channelId) || await channels.GetChannelAsync(channelId, context.RequestAborted) is { IsHome: true })
            {
                sync.NotifyChannelChanged(channelId);
            }
        }

        await answer.WriteAsync(heldBack.GetBuffer().AsMemory(0, (int)heldBack.Length), context.RequestAborted);
    }

    [LoggerMessage(9000, LogLevel.Error, "Could not commit what a peer's message wrote; the peer is told to send it again.")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception);
}
