namespace SharedChannels.Content;

/// <summary>
/// Optional host port: lets the host store everything one message from a peer writes in one transaction of its own.
/// For each inbound message the SDK begins a transaction (<see cref="BeginTransactionAsync"/>), applies the message's
/// items through the transaction's ports (<see cref="IInboundTransaction.Content"/>,
/// <see cref="IInboundTransaction.Users"/>), commits it (<see cref="IInboundTransaction.CommitAsync"/>) and only then
/// answers the peer OK. When applying fails, the SDK disposes the transaction without committing (the host rolls
/// back), answers a failure and the peer sends the message again: nothing is acknowledged that is not stored, and a
/// message is stored whole or not at all.
/// </summary>
/// <remarks>
/// <para>
/// Without this port (the default), the SDK calls the registered <see cref="IChannelContent"/> and
/// <see cref="Identity.IUserDirectory"/> directly, and each call is its own unit of work.
/// </para>
/// <para>
/// After the commit the SDK itself wakes the workers that must send what the message changed (the channel's other
/// connections, at the channel's home only) and never sends a peer's items back to it: the host does not need to
/// know these rules. <see cref="InboundTransactionContext.RecordsChanges"/> tells the host, per channel, whether the
/// SDK will ever read the applied items back through <see cref="IChannelContent.ReadChangesAsync"/>, so a host may
/// leave them out of its change feed where they would only be skipped.
/// </para>
/// <para>
/// One transaction may carry several messages of the same connection, one after the other, when
/// <see cref="MaxMessagesPerTransaction"/> is greater than 1 (group commit): each message is answered only after the
/// commit that stored it. The transaction's ports must see what the transaction already wrote.
/// </para>
/// </remarks>
public interface IInboundTransactionFactory
{
    /// <summary>
    /// Gets the most messages of one connection the SDK may apply in one transaction. The default, 1, makes one
    /// transaction per message.
    /// </summary>
    int MaxMessagesPerTransaction => 1;

    /// <summary>Begins a transaction for what a peer's message writes.</summary>
    /// <param name="context">The connection the message came from, and what the SDK does with the applied items.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The transaction; the SDK disposes it.</returns>
    ValueTask<IInboundTransaction> BeginTransactionAsync(InboundTransactionContext context, CancellationToken cancellationToken = default);
}
