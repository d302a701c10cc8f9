using System.Globalization;

namespace SharedChannels.Testing.Chaos;

/// <summary>Counts what a <see cref="FaultInjectingTransport"/> did. Safe to read while requests are in flight.</summary>
public sealed class FaultStatistics
{
    private long _requests;
    private long _deliveries;
    private long _droppedBeforeSend;
    private long _droppedAfterDelivery;
    private long _duplicated;
    private long _delayed;
    private long _reordered;
    private long _serverErrors;
    private long _partitioned;
    private long _lateDeliveries;

    internal FaultStatistics()
    {
    }

    /// <summary>Gets the number of requests senders passed to the transport.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the number of times a request was handed to the inner transport (duplicates count twice).</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>Gets the number of requests lost before delivery.</summary>
    public long DroppedBeforeSend => Interlocked.Read(ref _droppedBeforeSend);

    /// <summary>Gets the number of requests delivered whose answer was lost.</summary>
    public long DroppedAfterDelivery => Interlocked.Read(ref _droppedAfterDelivery);

    /// <summary>Gets the number of requests delivered twice.</summary>
    public long Duplicated => Interlocked.Read(ref _duplicated);

    /// <summary>Gets the number of requests delayed before delivery.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    /// <summary>Gets the number of requests held back and delivered after a later one (or after the hold expired).</summary>
    public long Reordered => Interlocked.Read(ref _reordered);

    /// <summary>
    /// Gets the number of held-back requests that reached the peer after their sender had stopped waiting (its timeout
    /// fired or it crashed): the peer handled them after the retry that replaced them, as HTTP servers finish requests
    /// whose client left. A subset of <see cref="Reordered"/>.
    /// </summary>
    public long LateDeliveries => Interlocked.Read(ref _lateDeliveries);

    /// <summary>Gets the number of requests answered with a 5xx status without being delivered.</summary>
    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    /// <summary>Gets the number of requests refused because their destination was partitioned.</summary>
    public long Partitioned => Interlocked.Read(ref _partitioned);

    /// <summary>Gets the number of faults injected, of every kind, partitions included.</summary>
    public long TotalInjected => DroppedBeforeSend + DroppedAfterDelivery + Duplicated + Delayed + Reordered + ServerErrors + Partitioned;

    /// <summary>Adds up the counts of several transports, to report them as one network.</summary>
    /// <param name="statistics">The statistics to add up.</param>
    /// <returns>A new instance holding the sums.</returns>
    public static FaultStatistics Sum(IEnumerable<FaultStatistics> statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var sum = new FaultStatistics();
        foreach (FaultStatistics s in statistics)
        {
            sum._requests += s.Requests;
            sum._deliveries += s.Deliveries;
            sum._droppedBeforeSend += s.DroppedBeforeSend;
            sum._droppedAfterDelivery += s.DroppedAfterDelivery;
            sum._duplicated += s.Duplicated;
            sum._delayed += s.Delayed;
            sum._reordered += s.Reordered;
            sum._serverErrors += s.ServerErrors;
            sum._partitioned += s.Partitioned;
            sum._lateDeliveries += s.LateDeliveries;
        }

        return sum;
    }

    /// <summary>Gets the figures on one line, e.g. for a test's output.</summary>
    /// <returns>The figures.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"requests={Requests} deliveries={Deliveries} injected={TotalInjected} (dropped-before-send={DroppedBeforeSend} dropped-after-delivery={DroppedAfterDelivery} duplicated={Duplicated} delayed={Delayed} reordered={Reordered} (late={LateDeliveries}) server-errors={ServerErrors} partitioned={Partitioned})");

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountDelivery() => Interlocked.Increment(ref _deliveries);

    internal void CountDroppedBeforeSend() => Interlocked.Increment(ref _droppedBeforeSend);

    internal void CountDroppedAfterDelivery() => Interlocked.Increment(ref _droppedAfterDelivery);

    internal void CountDuplicated() => Interlocked.Increment(ref _duplicated);

    internal void CountDelayed() => Interlocked.Increment(ref _delayed);

    internal void CountReordered() => Interlocked.Increment(ref _reordered);

    internal void CountServerError() => Interlocked.Increment(ref _serverErrors);

    internal void CountPartitioned() => Interlocked.Increment(ref _partitioned);

    internal void CountLateDelivery() => Interlocked.Increment(ref _lateDeliveries);
}
