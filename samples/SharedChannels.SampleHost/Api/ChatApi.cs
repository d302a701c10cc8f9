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

        // Files: upload the raw bytes (name and author in the query, type in Content-Type), then attach by id to a post.
        api.MapPost("/channels/{channelId}/files", async (string channelId, string? userId, string? name, HttpRequest request, ChatService chat, SampleHostOptions options, CancellationToken ct) =>
        {
            byte[]? content = await ReadBodyAsync(request, options.MaxFileSize, ct);
            if (content is null)
            {
                return Results.Problem($"A file must have at most {options.MaxFileSize} bytes.", statusCode: 413);
            }

            FileView file = await chat.UploadFileAsync(channelId, userId, name, request.ContentType, content, ct);
            return Results.Created($"/api/files/{file.Id}", file);
        });
        api.MapGet("/files/{fileId}", async (string fileId, ChatService chat, CancellationToken ct) =>
        {
            (FileView file, byte[] content) = await chat.DownloadFileAsync(fileId, ct);

            // Served as a download, never inline: a peer chose the bytes and the type.
            return Results.File(content, "application/octet-stream", file.Name);
        });

        // Profile images of local users (set here) and of remote users (sent by their workspace).
        api.MapPut("/users/{userId}/image", async (string userId, HttpRequest request, ChatService chat, SampleHostOptions options, CancellationToken ct) =>
        {
            byte[]? image = await ReadBodyAsync(request, options.MaxProfileImageSize, ct);
            if (image is null)
            {
                return Results.Problem($"A profile image must have at most {options.MaxProfileImageSize} bytes.", statusCode: 413);
            }

            await chat.SetProfileImageAsync(userId, image, ct);
            return Results.NoContent();
        });
        api.MapGet("/users/{userId}/image", async (string userId, ChatService chat, CancellationToken ct) =>
            Results.File(await chat.GetProfileImageAsync(userId, ct), "application/octet-stream"));

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

    /// <summary>Reads a request body of at most <paramref name="limit"/> bytes; <see langword="null"/> when larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
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
