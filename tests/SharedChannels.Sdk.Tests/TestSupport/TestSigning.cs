using SharedChannels.Transport;
using SharedChannels.Transport.Internal;

namespace SharedChannels.Tests.TestSupport;

/// <summary>Signs hand-built requests the way an SDK peer does, for tests that forge frames between SDK hosts.</summary>
internal static class TestSigning
{
    public static RemoteRequest Signed(this RemoteRequest request, TimeProvider time)
    {
        if (request.Token is null || request.Endpoint == RemoteEndpoint.ConfirmInvitation)
        {
            return request;
        }

        long timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new RemoteRequest
        {
            Endpoint = request.Endpoint,
            RemoteId = request.RemoteId,
            Token = request.Token,
            UploadId = request.UploadId,
            UserId = request.UserId,
            Body = request.Body,
            SignatureTimestamp = timestamp,
            Signature = FrameSignature.Sign(request.Token, timestamp, request.Endpoint, request.Body.Span),
        };
    }
}
