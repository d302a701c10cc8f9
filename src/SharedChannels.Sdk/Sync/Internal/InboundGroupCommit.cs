using System.Collections.Concurrent;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// Applies inbound messages in the host's transactions and answers each only once the transaction that stored it is
/// committed. When the host lets one transaction carry several messages
/// (<see cref="Content.IInboundTransactionFactory.MaxMessagesPerTransaction"/>), the messages of one connection that
/// arrive while a transaction of that connection is being applied or committed wait for the next one, which takes up
/// to that many of them (group commit): no message waits for company, and a burst of pipelined messages costs one
/// commit instead of one each.
/// </summary>
/// <remarks>
/// A message whose applying throws is answered with that failure (the peer sends it again) and left out; the others of
/// its transaction, rolled back with it, are applied again in a new one. A failure to begin or commit fails every
/// message of the transaction. Nothing is answered OK before the commit that stored it.
/// </remarks>
internal sealed class InboundGroupCommit(InboundTransactions transactions)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Applies a message of <paramref name="connectionId"/> with <paramref name="apply"/> and commits it.</summary>
    /// <param name="connectionId">The connection the message came from.</param>
    /// <param name="apply">Writes the message through the unit of work; may be called again (in a new one) after a failure of another message.</param>
    /// <param name="grouped">Whether the message may share a transaction with other messages of the connection.</param>
    /// <param name="cancellationToken">The caller's token: it stops the wait; a message already in a transaction may still be stored.</param>
    /// <returns>A task that completes when the message is committed.</returns>
    public async Task ApplyAsync(string connectionId, Func<InboundUnitOfWork, CancellationToken, Task> apply, bool grouped, CancellationToken cancellationToken)
    {
        if (!grouped || transactions.MaxMessagesPerTransaction == 1)
        {
            InboundUnitOfWork work = await transactions.BeginAsync(connectionId, cancellationToken).ConfigureAwait(false);
            await using (work.ConfigureAwait(false))
            {
                await apply(work, cancellationToken).ConfigureAwait(false);
                await work.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var pending = new Pending(apply);
        while (true)
        {
            Lane lane = _lanes.GetOrAdd(connectionId, id => new Lane(id));
            lock (lane)
            {
                if (lane.Retired)
                {
                    // Removed while empty just now: take the connection's next lane.
                    continue;
                }

                lane.Queue.Enqueue(pending);
                if (!lane.Draining)
                {
                    lane.Draining = true;
                    _ = Task.Run(() => DrainAsync(lane), CancellationToken.None);
                }
            }

            break;
        }

        await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainAsync(Lane lane)
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (lane)
            {
                while (batch.Count < transactions.MaxMessagesPerTransaction && lane.Queue.TryDequeue(out Pending? next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    lane.Draining = false;
                    lane.Retired = true;
                    _lanes.TryRemove(new KeyValuePair<string, Lane>(lane.ConnectionId, lane));
                    return;
                }
            }

            try
            {
                await CommitAsync(lane.ConnectionId, batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Not expected (every failure is given to its messages), but no message may wait for ever.
                foreach (Pending message in batch)
                {
                    message.Done.TrySetException(ex);
                }
            }
        }
    }

    private async Task CommitAsync(string connectionId, List<Pending> batch)
    {
        while (batch.Count > 0)
        {
            int failedAt = -1;
            Exception? failure = null;
            try
            {
                InboundUnitOfWork work = await transactions.BeginAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
                await using (work.ConfigureAwait(false))
                {
                    for (int i = 0; i < batch.Count && failedAt < 0; i++)
                    {
                        try
                        {
                            await batch[i].Apply(work, CancellationToken.None).ConfigureAwait(false);
                        }
                        catch (Exception ex)
                        {
                            (failedAt, failure) = (i, ex);
                        }
                    }

                    if (failedAt < 0)
                    {
                        await work.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex)
            {
                // Beginning, committing or ending the transaction failed: nothing of it is stored.
                foreach (Pending message in batch)
                {
                    message.Done.TrySetException(ex);
                }

                return;
            }

            if (failedAt < 0)
            {
                foreach (Pending message in batch)
                {
                    message.Done.TrySetResult();
                }

                return;
            }

            batch[failedAt].Done.TrySetException(failure!);
            batch.RemoveAt(failedAt);
        }
    }

    private sealed class Lane(string connectionId)
    {
        public string ConnectionId { get; } = connectionId;

        public Queue<Pending> Queue { get; } = new();

        public bool Draining { get; set; }

        public bool Retired { get; set; }
    }

    private sealed class Pending(Func<InboundUnitOfWork, CancellationToken, Task> apply)
    {
        public Func<InboundUnitOfWork, CancellationToken, Task> Apply { get; } = apply;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
