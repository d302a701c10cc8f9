using SharedChannels.Storage;

namespace SharedChannels.Transport.Internal;

/// <summary>Receives the image bytes posted to <c>/{user_id}/image</c>: a remote user's profile image.</summary>
internal interface IProfileImageHandler
{
    Task<RemoteResponse> HandleProfileImageAsync(ConnectionRecord connection, string? userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken);
}
