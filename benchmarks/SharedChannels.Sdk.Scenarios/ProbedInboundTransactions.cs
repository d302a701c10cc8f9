using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Scenarios;

/// <summary>
/// B's <see cref="IInboundTransactionFactory"/>: the sample's own (<paramref name="inner"/>), unchanged, with the posts
/// each transaction stored reported to the <see cref="ArrivalProbe"/> once the SDK has committed it.
/// </summary>
internal sealed class ProbedInboundTransactions(IInboundTransactionFactory inner, ArrivalProbe probe) : IInboundTransactionFactory
{
    public int MaxMessagesPerTransaction => inner.MaxMessagesPerTransaction;

    public async ValueTask<IInboundTransaction> BeginTransactionAsync(InboundTransactionContext context, CancellationToken cancellationToken = default) =>
        new Transaction(await inner.BeginTransactionAsync(context, cancellationToken), probe);

    private sealed class Transaction(IInboundTransaction inner, ArrivalProbe probe) : IInboundTransaction
    {
        private readonly List<string> _stored = [];

        public IChannelContent Content => field ??= new ProbedChannelContent(inner.Content, _stored);

        public IUserDirectory Users => inner.Users;

        public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
        {
            await inner.CommitAsync(cancellationToken);
            probe.OnCommitted(_stored);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
