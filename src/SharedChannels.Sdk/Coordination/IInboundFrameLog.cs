namespace SharedChannels.Coordination;

/// <summary>
/// What every node of a workspace must know about inbound requests, whichever node received them: which frames were
/// already answered OK (so a frame sent again to another node is not applied twice) and which signatures were already
/// seen within the replay window. A storage package for several nodes implements it; without one, the dispatcher's
/// in-process memory is all there is.
/// </summary>
/// <remarks>
/// Entries are kept for a retention the SDK gives, measured on the store's clock (e.g. the database's <c>now()</c>), and
/// removed by <see cref="RemoveExpiredAsync"/>, which the SDK calls periodically. Implementations must be safe for
/// concurrent use, across threads and processes.
/// </remarks>
public interface IInboundFrameLog
{
    /// <summary>Gets the OK answer recorded for a frame, if it was answered OK on some node and not expired.</summary>
    /// <param name="remoteId">The connection the frame came from.</param>
    /// <param name="messageId">The frame's <c>msg.id</c>.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The answer's body, or <see langword="null"/>.</returns>
    Task<ReadOnlyMemory<byte>?> GetAnswerAsync(string remoteId, string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a frame was applied and answered OK, with its answer. Called after the frame's changes were
    /// committed, before the answer is returned. Recording a frame twice keeps one entry.
    /// </summary>
    /// <param name="remoteId">The connection the frame came from.</param>
    /// <param name="messageId">The frame's <c>msg.id</c>.</param>
    /// <param name="answer">The answer's body (never holds a token).</param>
    /// <param name="retention">How long to keep the entry.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the entry is stored.</returns>
    Task RecordAnswerAsync(string remoteId, string messageId, ReadOnlyMemory<byte> answer, TimeSpan retention, CancellationToken cancellationToken = default);

    /// <summary>Records a request signature as seen, atomically: of two nodes recording the same one, only one succeeds.</summary>
    /// <param name="remoteId">The connection the request came from.</param>
    /// <param name="signature">The request's signature (an HMAC, not a secret).</param>
    /// <param name="retention">How long to keep the entry: longer than the replay window.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when it was new; <see langword="false"/> when it was seen before (a replay).</returns>
    Task<bool> TryRecordSignatureAsync(string remoteId, string signature, TimeSpan retention, CancellationToken cancellationToken = default);

    /// <summary>Removes the entries whose retention has passed.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>How many entries were removed.</returns>
    Task<int> RemoveExpiredAsync(CancellationToken cancellationToken = default);
}
