using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// What one inbound message writes: in the host's transaction when it registered an
/// <see cref="IInboundTransactionFactory"/>, or else straight through the registered ports (each call its own unit of
/// work). Disposing without <see cref="CommitAsync"/> discards what the host's transaction wrote.
/// </summary>
internal sealed class InboundUnitOfWork : IAsyncDisposable
{
    private readonly IChannelContent? _content;
    private readonly IUserDirectory? _users;
    private readonly IInboundTransaction? _transaction;

    private InboundUnitOfWork(InboundTransactionContext context, IChannelContent? content, IUserDirectory? users, IInboundTransaction? transaction)
    {
        Context = context;
        _content = content;
        _users = users;
        _transaction = transaction;
    }

    /// <summary>Gets what the SDK tells the host about the transaction.</summary>
    public InboundTransactionContext Context { get; }

    /// <summary>Gets the channel content to write through.</summary>
    public IChannelContent Content => _transaction?.Content ?? _content!;

    /// <summary>Gets the users to write through.</summary>
    public IUserDirectory Users => _transaction?.Users ?? _users!;

    /// <summary>Begins the unit of work of a message from <paramref name="connectionId"/>.</summary>
    internal static async ValueTask<InboundUnitOfWork> BeginAsync(IChannelContent content, IUserDirectory users, IInboundTransactionFactory? transactions, string connectionId, CancellationToken cancellationToken)
    {
        var context = new InboundTransactionContext(connectionId);
        if (transactions is null)
        {
            return new InboundUnitOfWork(context, content, users, transaction: null);
        }

        IInboundTransaction transaction = await transactions.BeginTransactionAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{transactions.GetType().Name}.BeginTransactionAsync returned null; it must return a transaction.");
        return new InboundUnitOfWork(context, content: null, users: null, transaction);
    }

    /// <summary>Commits the host's transaction, if any: called before the peer is answered OK.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken) =>
        _transaction?.CommitAsync(cancellationToken) ?? ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _transaction?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>Begins the unit of work of each inbound message (see <see cref="InboundUnitOfWork"/>).</summary>
/// <param name="content">The host's channel content, written through without host transactions.</param>
/// <param name="users">The host's users, written through without host transactions.</param>
/// <param name="transactions">The host's transactions, if it registered them.</param>
internal sealed class InboundTransactions(IChannelContent content, IUserDirectory users, IInboundTransactionFactory? transactions)
{
    /// <summary>The most messages one transaction may carry, whatever the host says: a failure costs at most this many re-applies.</summary>
    internal const int MaxGroupSize = 256;

    /// <summary>Gets how many messages of one connection one transaction may carry (1 without host transactions).</summary>
    public int MaxMessagesPerTransaction { get; } = transactions is null ? 1 : Math.Clamp(transactions.MaxMessagesPerTransaction, 1, MaxGroupSize);

    /// <summary>Begins the unit of work of a message from <paramref name="connectionId"/>.</summary>
    public ValueTask<InboundUnitOfWork> BeginAsync(string connectionId, CancellationToken cancellationToken) =>
        InboundUnitOfWork.BeginAsync(content, users, transactions, connectionId, cancellationToken);
}
