using SharedChannels.Identity;

namespace SharedChannels.Content;

/// <summary>
/// A host transaction holding what one or more inbound messages of a connection write (see
/// <see cref="IInboundTransactionFactory"/>). Disposing it without <see cref="CommitAsync"/> discards what it wrote.
/// </summary>
public interface IInboundTransaction : IAsyncDisposable
{
    /// <summary>Gets the host's channel content, writing in this transaction and seeing what it wrote.</summary>
    IChannelContent Content { get; }

    /// <summary>Gets the host's users, writing in this transaction and seeing what it wrote.</summary>
    IUserDirectory Users { get; }

    /// <summary>
    /// Makes what the transaction wrote durable. The SDK answers the peer only after this completes; when it throws,
    /// the SDK answers a failure and the peer sends the message again.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the writes are committed.</returns>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
