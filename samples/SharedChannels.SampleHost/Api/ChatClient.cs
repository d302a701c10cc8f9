using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace SharedChannels.Samples.Api;

/// <summary>A small typed client of the sample's JSON API, for the demo and the tests.</summary>
/// <param name="http">An HTTP client whose base address is the host's URL; disposed with this client.</param>
public sealed class ChatClient(HttpClient http) : IDisposable
{
    /// <summary>Runs a slash command (<c>/secure-connection …</c>, <c>/share-channel …</c>) as a user, in a channel.</summary>
    public Task<CommandView> RunCommandAsync(string userId, string command, string? channelId = null, CancellationToken cancellationToken = default) =>
        SendAsync<CommandView>(HttpMethod.Post, "commands", new CommandRequest(userId, command, channelId), cancellationToken);

    /// <summary>Creates a local user.</summary>
    public Task<UserView> CreateUserAsync(string username, bool isAdmin = false, CancellationToken cancellationToken = default) =>
        SendAsync<UserView>(HttpMethod.Post, "api/users", new CreateUserRequest(username, isAdmin), cancellationToken);

    /// <summary>Lists every user, local and remote.</summary>
    public Task<IReadOnlyList<UserView>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<UserView>>(HttpMethod.Get, "api/users", null, cancellationToken);

    /// <summary>Adds a custom emoji.</summary>
    public Task AddCustomEmojiAsync(string name, string creatorId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/emoji", new AddEmojiRequest(name, creatorId), cancellationToken);

    /// <summary>Creates a public channel.</summary>
    public Task<ChannelView> CreateChannelAsync(string name, string creatorId, string? displayName = null, CancellationToken cancellationToken = default) =>
        SendAsync<ChannelView>(HttpMethod.Post, "api/channels", new CreateChannelRequest(name, creatorId, displayName), cancellationToken);

    /// <summary>Posts a message, or a reply when <paramref name="rootId"/> is set, with files uploaded before (<see cref="UploadFileAsync"/>).</summary>
    public Task<PostView> PostAsync(string channelId, string userId, string message, string? rootId = null, IReadOnlyList<string>? fileIds = null, CancellationToken cancellationToken = default) =>
        SendAsync<PostView>(HttpMethod.Post, $"api/channels/{channelId}/posts", new CreatePostRequest(userId, message, rootId, fileIds), cancellationToken);

    /// <summary>Uploads a file to a channel, to attach to the user's next post there.</summary>
    public async Task<FileView> UploadFileAsync(string channelId, string userId, string name, byte[] content, string mimeType = "application/octet-stream", CancellationToken cancellationToken = default)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mimeType);
        using HttpResponseMessage response = await SendRawAsync(HttpMethod.Post, $"api/channels/{channelId}/files?userId={Uri.EscapeDataString(userId)}&name={Uri.EscapeDataString(name)}", body, cancellationToken);
        return await response.Content.ReadFromJsonAsync<FileView>(cancellationToken) ?? throw new HttpRequestException("The upload answered an empty body.");
    }

    /// <summary>Downloads a file's bytes.</summary>
    public async Task<byte[]> DownloadFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendRawAsync(HttpMethod.Get, $"api/files/{fileId}", null, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Sets a local user's profile image (PNG, JPEG or GIF).</summary>
    public async Task SetProfileImageAsync(string userId, byte[] image, CancellationToken cancellationToken = default)
    {
        using var body = new ByteArrayContent(image);
        using HttpResponseMessage response = await SendRawAsync(HttpMethod.Put, $"api/users/{userId}/image", body, cancellationToken);
    }

    /// <summary>Gets a user's profile image, or <see langword="null"/> when the user has none here.</summary>
    public async Task<byte[]?> GetProfileImageAsync(string userId, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await http.GetAsync(new Uri($"api/users/{userId}/image", UriKind.Relative), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Edits a post.</summary>
    public Task EditPostAsync(string postId, string message, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"api/posts/{postId}", new EditPostRequest(message), cancellationToken);

    /// <summary>Deletes a post.</summary>
    public Task DeletePostAsync(string postId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/posts/{postId}", null, cancellationToken);

    /// <summary>Adds a reaction.</summary>
    public Task AddReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/posts/{postId}/reactions", new AddReactionRequest(userId, emojiName), cancellationToken);

    /// <summary>Gets a channel's posts as a client shows them.</summary>
    public Task<IReadOnlyList<PostView>> GetPostsAsync(string channelId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<PostView>>(HttpMethod.Get, $"api/channels/{channelId}/posts", null, cancellationToken);

    /// <summary>Creates a secure connection and its invitation (as an admin).</summary>
    public Task<InvitationView> CreateConnectionAsync(string adminId, string name, string? password = null, CancellationToken cancellationToken = default) =>
        SendAsync<InvitationView>(HttpMethod.Post, "api/connections", new NewConnectionRequest(adminId, name, password), cancellationToken);

    /// <summary>Accepts another workspace's invitation (as an admin).</summary>
    public Task<ConnectionView> AcceptConnectionAsync(string adminId, string name, string invitationCode, string password, CancellationToken cancellationToken = default) =>
        SendAsync<ConnectionView>(HttpMethod.Post, "api/connections/accept", new AcceptConnectionRequest(adminId, name, invitationCode, password), cancellationToken);

    /// <summary>Changes a secure connection's display name and/or the other workspace's site URL (as an admin).</summary>
    public Task<ConnectionView> UpdateConnectionAsync(string adminId, string connectionId, string? displayName = null, string? siteUrl = null, CancellationToken cancellationToken = default) =>
        SendAsync<ConnectionView>(HttpMethod.Patch, $"api/connections/{connectionId}", new UpdateConnectionBody(adminId, displayName, siteUrl), cancellationToken);

    /// <summary>Shares a channel homed here with a connection (as an admin).</summary>
    public Task<SharedChannelView> ShareChannelAsync(string adminId, string channelId, string connectionId, bool readOnly = false, CancellationToken cancellationToken = default) =>
        SendAsync<SharedChannelView>(HttpMethod.Post, $"api/channels/{channelId}/share", new ShareChannelRequest(adminId, connectionId, readOnly), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(method, path, body, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new HttpRequestException($"{method} /{path} answered an empty body.");
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendRawAsync(method, path, body is null ? null : JsonContent.Create(body), cancellationToken);

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                // The API answers refusals as problems whose detail says what was wrong.
                ProblemDetails? problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    ? await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken)
                    : null;
                throw new HttpRequestException($"{method} /{path} answered {(int)response.StatusCode}: {problem?.Detail ?? response.ReasonPhrase}", null, response.StatusCode);
            }
        }

        return response;
    }
}
