using SharedChannels.Storage;

namespace SharedChannels.Transport.Internal;

/// <summary>Receives the raw bytes posted to <c>/upload/{upload_id}</c> after an announced upload.</summary>
internal interface IUploadHandler
{
    Task<RemoteResponse> HandleUploadAsync(ConnectionRecord connection, string? uploadId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
