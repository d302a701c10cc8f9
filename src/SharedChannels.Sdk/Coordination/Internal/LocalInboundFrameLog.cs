namespace SharedChannels.Coordination.Internal;

/// <summary>
/// The default with one process: the dispatcher's in-process memory of answered frames and seen signatures is all there
/// is, so this log remembers nothing. The dispatcher recognises it and does not call it.
/// </summary>
internal sealed class LocalInboundFrameLog : IInboundFrameLog
{
    public Task<ReadOnlyMemory<byte>?> GetAnswerAsync(string remoteId, string messageId, CancellationToken cancellationToken = default) =>
        Task.FromResult<ReadOnlyMemory<byte>?>(null);

    public Task RecordAnswerAsync(string remoteId, string messageId, ReadOnlyMemory<byte> answer, TimeSpan retention, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    public Task<bool> TryRecordSignatureAsync(string remoteId, string signature, TimeSpan retention, CancellationToken cancellationToken = default) =>
        Task.FromResult(true);

    public Task<int> RemoveExpiredAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
}
