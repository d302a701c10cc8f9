using SharedChannels.Transport;

namespace SharedChannels.Tests.Corpus;

/// <summary>Copies of a request with some of its credentials replaced, for forging hostile variants of an authentic request.</summary>
internal static class CorpusRequests
{
    public static RemoteRequest With(
        this RemoteRequest request,
        string? remoteId = null,
        string? token = null,
        string? signature = null,
        long? signatureTimestamp = null,
        bool clearTimestamp = false) => new()
        {
            Endpoint = request.Endpoint,
            RemoteId = remoteId ?? request.RemoteId,
            Token = token ?? request.Token,
            UploadId = request.UploadId,
            UserId = request.UserId,
            Body = request.Body,
            Signature = signature ?? request.Signature,
            SignatureTimestamp = clearTimestamp ? null : signatureTimestamp ?? request.SignatureTimestamp,
        };
}
