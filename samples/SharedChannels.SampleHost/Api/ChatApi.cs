using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Api;

/// <summary>
/// The sample's small JSON API under <c>/api</c>, what a chat client would call. It has no authentication: the sample
/// listens on 127.0.0.1 only. (The SDK's own endpoints, <c>/api/v4/remotecluster/*</c>, authenticate every peer.)
/// </summary>
public static class ChatApi
{
    /// <summary>Maps the chat endpoints.</summary>
    /// <param name="endpoints">The application.</param>
    /// <returns>The group of chat endpoints.</returns>
    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api").AddEndpointFilter(AnswerRefusalsAsProblemsAsync);

        api.MapGet("/users", (ChatService chat, CancellationToken ct) => chat.ListUsersAsync(ct));
        api.MapPost("/users", async (CreateUserRequest request, ChatService chat, CancellationToken ct) =>
        {
            UserView user = await chat.CreateUserAsync(request, ct);
            return TypedResults.Created($"/api/users/{user.Id}", user);
        });

        api.MapPost("/emoji", async (AddEmojiRequest request, ChatService chat, CancellationToken ct) =>
        {
            await chat.AddCustomEmojiAsync(request, ct);
            return TypedResults.NoContent();
        });

        api.MapPost("/channels", async (CreateChannelRequest request, ChatService chat, CancellationToken ct) =>
        {
            ChannelView channel = await chat.CreateChannelAsync(request, ct);
            return TypedResults.Created($"/api/channels/{channel.Id}", channel);
        });

        api.MapGet("/channels/{channelId}/posts", (string channelId, ChatService chat, CancellationToken ct) => chat.GetPostsAsync(channelId, ct));
        api.MapPost("/channels/{channelId}/posts", async (string channelId, CreatePostRequest request, ChatService chat, CancellationToken ct) =>
        {
            PostView post = await chat.CreatePostAsync(channelId, request, ct);
            return TypedResults.Created($"/api/posts/{post.Id}", post);
        });

        api.MapPatch("/posts/{postId}", async (string postId, EditPostRequest request, ChatService chat, CancellationToken ct) =>
        {
            await chat.EditPostAsync(postId, request, ct);
            return TypedResults.NoContent();
        });

        api.MapDelete("/posts/{postId}", async (string postId, ChatService chat, CancellationToken ct) =>
        {
            await chat.DeletePostAsync(postId, ct);
            return TypedResults.NoContent();
        });

        api.MapPost("/posts/{postId}/reactions", async (string postId, AddReactionRequest request, ChatService chat, CancellationToken ct) =>
        {
            await chat.AddReactionAsync(postId, request, ct);
            return TypedResults.NoContent();
        });

        return api;
    }

    // A refused request is answered as an RFC 9457 problem with the status and message the service chose.
    private static async ValueTask<object?> AnswerRefusalsAsProblemsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ChatRequestException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: ex.StatusCode);
        }
    }
}
