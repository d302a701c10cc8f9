using System.Diagnostics;
using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Scenarios;

/// <summary>
/// B's <see cref="IInboundTransactionFactory"/>: the sample's own (<paramref name="inner"/>), unchanged, with the posts
/// each transaction stored reported to the <see cref="ArrivalProbe"/> once the SDK has committed it, and its apply and
/// commit times to the <see cref="ReceiverTimeline"/>.
/// </summary>
internal sealed class ProbedInboundTransactions(IInboundTransactionFactory inner, ArrivalProbe probe, ReceiverTimeline timeline, int? maxMessagesPerTransaction) : IInboundTransactionFactory
{
    public int MaxMessagesPerTransaction => maxMessagesPerTransaction ?? inner.MaxMessagesPerTransaction;

    public async ValueTask<IInboundTransaction> BeginTransactionAsync(InboundTransactionContext context, CancellationToken cancellationToken = default)
    {
        long begun = Stopwatch.GetTimestamp();
        return new Transaction(await inner.BeginTransactionAsync(context, cancellationToken), probe, timeline, begun);
    }

    private sealed class Transaction(IInboundTransaction inner, ArrivalProbe probe, ReceiverTimeline timeline, long begun) : IInboundTransaction
    {
        private readonly List<string> _stored = [];

        public IChannelContent Content => field ??= new ProbedChannelContent(inner.Content, _stored);

        public IUserDirectory Users => inner.Users;

        public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
        {
            long commitStarted = Stopwatch.GetTimestamp();
            await inner.CommitAsync(cancellationToken);
            timeline.OnCommitted(begun, commitStarted, Stopwatch.GetTimestamp());
            probe.OnCommitted(_stored);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
