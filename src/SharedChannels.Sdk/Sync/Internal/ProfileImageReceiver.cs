using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Storage;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Receives a peer's profile image for one of its users (<c>POST /api/v4/remotecluster/{user_id}/image</c>, multipart
/// field <c>image</c>, as Mattermost's <c>remoteSetProfileImage</c>): the user must be a shadow user owned by the
/// authenticated connection, the image within <see cref="SharedChannelsOptions.MaxProfileImageBytes"/> and an image
/// format; it is then stored through <see cref="IUserDirectory.SetProfileImageAsync"/>. Answers <c>{"status":"OK"}</c>.
/// </summary>
internal sealed class ProfileImageReceiver(
    IUserDirectory users,
    IOptionsMonitor<SharedChannelsOptions> options,
    ILogger<ProfileImageReceiver> logger) : IProfileImageHandler
{
    public async Task<RemoteResponse> HandleProfileImageAsync(ConnectionRecord connection, string? userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        SharedChannelsOptions current = options.CurrentValue;
        if (!current.EnableSharedChannels)
        {
            return Refuse(connection, userId, 403, "shared channels are disabled on this workspace");
        }

        if (!RemoteIds.IsValid(userId))
        {
            return Refuse(connection, userId, 400, "the user id is not a valid id (26 lower-case letters or digits)");
        }

        if (image.Length > current.EffectiveMaxProfileImageBytes)
        {
            return Refuse(connection, userId, 413, $"the image is {image.Length} bytes; this workspace accepts at most {current.EffectiveMaxProfileImageBytes}");
        }

        if (image.IsEmpty)
        {
            return Refuse(connection, userId, 400, "the request carries no image");
        }

        // Only the workspace that owns a user may change its picture.
        ChatUser? user = await users.GetUserAsync(userId, cancellationToken).ConfigureAwait(false);
        if (user is null || user.RemoteId != connection.RemoteId)
        {
            return Refuse(connection, userId, 403, "the sender may only set the images of its own users");
        }

        if (!ProfileImages.LooksLikeImage(image.Span))
        {
            return Refuse(connection, userId, 400, "the image is not a PNG, JPEG, GIF, BMP or WebP image");
        }

        if (!await users.SetProfileImageAsync(userId, image, cancellationToken).ConfigureAwait(false))
        {
            return Refuse(connection, userId, 501, "this workspace does not store profile images");
        }

        Log.ProfileImageStored(logger, userId, connection.RemoteId, image.Length);
        return new RemoteResponse(200, WireFormat.Ok(default));
    }

    private RemoteResponse Refuse(ConnectionRecord connection, string? userId, int status, string reason)
    {
        Log.ItemRefused(logger, connection.RemoteId, "profile image", Shorten(userId), "(none)", reason);
        SharedChannelsMetrics.ItemsRejected.Add(1, new KeyValuePair<string, object?>("kind", "profile image"), new KeyValuePair<string, object?>("direction", "inbound"));
        return new RemoteResponse(status, WireFormat.Fail(reason));
    }

    // The id comes from the URL: only its shape was checked, so it is shortened and stripped before logging.
    private static string Shorten(string? value) =>
        value is null ? "(none)" : string.Concat(value.Where(c => !char.IsControl(c)).Take(32));
}
