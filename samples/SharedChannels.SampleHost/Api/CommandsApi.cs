using SharedChannels.Commands;

namespace SharedChannels.Samples.Api;

/// <summary>A slash command typed by a user, as the sample's chat client would send it.</summary>
/// <param name="UserId">The acting user (a real host takes it from its authentication).</param>
/// <param name="Command">The whole command line, e.g. <c>/share-channel invite --connectionID abc --readonly</c>.</param>
/// <param name="ChannelId">The channel the command was typed in.</param>
/// <param name="TeamId">The team the command was typed in.</param>
public sealed record CommandRequest(string UserId, string Command, string? ChannelId = null, string? TeamId = null);

/// <summary>The ephemeral reply to a slash command.</summary>
/// <param name="Succeeded">Whether the command did what it said.</param>
/// <param name="Markdown">The reply to show the user, only to them.</param>
/// <param name="ErrorCode">The SDK's error code when it failed.</param>
public sealed record CommandView(bool Succeeded, string Markdown, string? ErrorCode);

/// <summary>
/// <c>POST /commands</c>: the <c>/secure-connection</c> and <c>/share-channel</c> slash commands, handed to the
/// SDK's <see cref="SlashCommandHandler"/>. Parsing, permissions and replies are the SDK's; the host only
/// forwards the line and shows the Markdown reply as an ephemeral post.
/// </summary>
public static class CommandsApi
{
    /// <summary>Maps the commands endpoint.</summary>
    /// <param name="endpoints">The application.</param>
    /// <returns>The endpoint.</returns>
    public static RouteHandlerBuilder MapCommandsApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/commands", async (CommandRequest request, SlashCommandHandler commands, CancellationToken ct) =>
        {
            CommandResult result = await commands.ExecuteAsync(request.UserId, request.Command, new CommandContext { ChannelId = request.ChannelId, TeamId = request.TeamId }, ct);
            return TypedResults.Ok(new CommandView(result.Succeeded, result.Markdown, result.ErrorCode?.ToString()));
        });
}
