using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using SharedChannels.Transport;

namespace SharedChannels.Testing.Chaos;

/// <summary>
/// An <see cref="IRemoteTransport"/> that wraps another one and misbehaves on purpose, for chaos and fault-tolerance
/// tests: it loses requests or their answers, delivers requests twice, late or out of order, answers 5xx without
/// delivering, and cuts sites off (<see cref="Partition"/>) until they are healed. Faults are drawn from a seeded
/// random generator (<see cref="Seed"/>), so a failing run can be replayed, and counted in <see cref="Statistics"/>.
/// </summary>
/// <remarks>
/// <para>
/// Each request suffers at most one fault. Lost requests and lost answers surface as <see cref="HttpRequestException"/>,
/// which the SDK treats as "unreachable", exactly like a real network failure.
/// </para>
/// <para>
/// The sequence of faults is reproducible for a given seed and a given order of requests. When several senders use
/// the transport concurrently, the order of their requests depends on thread scheduling, so a replay draws the same
/// faults but may assign them to other requests.
/// </para>
/// </remarks>
public sealed class FaultInjectingTransport : IRemoteTransport
{
    private static readonly int[] ServerErrorStatuses = [500, 502, 503, 504];

    private readonly IRemoteTransport _inner;
    private readonly FaultOptions _options;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly HashSet<string> _partitioned = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HeldRequest> _held = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Task, byte> _heldDeliveries = new();
    private volatile bool _isInjecting = true;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The transport that really delivers requests (e.g. a <c>LoopbackTransport</c>).</param>
    /// <param name="options">The faults to inject; none when <see langword="null"/>. The values are copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="FaultOptions.Validate"/>).</exception>
    public FaultInjectingTransport(IRemoteTransport inner, FaultOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        options ??= new FaultOptions();
        options.Validate();
        _inner = inner;
        _options = new FaultOptions
        {
            Seed = options.Seed,
            DropBeforeSendProbability = options.DropBeforeSendProbability,
            DropAfterDeliveryProbability = options.DropAfterDeliveryProbability,
            DuplicateProbability = options.DuplicateProbability,
            DelayProbability = options.DelayProbability,
            ReorderProbability = options.ReorderProbability,
            ServerErrorProbability = options.ServerErrorProbability,
            MaxDelay = options.MaxDelay,
            MaxReorderHold = options.MaxReorderHold,
            TimeProvider = options.TimeProvider,
        };

        // Random.Shared is not reproducible; a fresh seed is drawn and exposed so the run can be replayed.
        Seed = options.Seed ?? Random.Shared.Next();
        _random = new Random(Seed);
    }

    /// <summary>Gets the seed of the random generator that chooses the faults.</summary>
    public int Seed { get; }

    /// <summary>Gets the counts of requests and injected faults.</summary>
    public FaultStatistics Statistics { get; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether random faults are injected (<see langword="true"/> by default).
    /// Partitions apply either way.
    /// </summary>
    public bool IsInjecting
    {
        get => _isInjecting;
        set => _isInjecting = value;
    }

    /// <summary>Gets the site URLs currently partitioned.</summary>
    public IReadOnlyCollection<string> PartitionedSites
    {
        get
        {
            lock (_gate)
            {
                return [.. _partitioned];
            }
        }
    }

    /// <summary>Cuts <paramref name="siteUrl"/> off: every request to it fails as unreachable until <see cref="Heal(string)"/>.</summary>
    /// <param name="siteUrl">The site URL (compared without a trailing slash, ignoring case).</param>
    /// <remarks>Only requests sent through this transport are affected: to isolate a site both ways, also partition its own transport.</remarks>
    public void Partition(string siteUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siteUrl);
        lock (_gate)
        {
            _partitioned.Add(Key(siteUrl));
        }
    }

    /// <summary>Ends the partition of <paramref name="siteUrl"/>; does nothing when it is not partitioned.</summary>
    /// <param name="siteUrl">The site URL.</param>
    public void Heal(string siteUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siteUrl);
        lock (_gate)
        {
            _partitioned.Remove(Key(siteUrl));
        }
    }

    /// <summary>
    /// Makes the network healthy: ends every partition, stops injecting random faults (<see cref="IsInjecting"/>
    /// becomes <see langword="false"/>) and starts delivering every held request. Await <see cref="ReleaseHeldAsync"/>
    /// to wait for those deliveries.
    /// </summary>
    public void Heal()
    {
        IsInjecting = false;
        lock (_gate)
        {
            _partitioned.Clear();
        }

        _ = ReleaseHeldAsync();
    }

    /// <summary>Delivers every request held back for reordering now, and waits until every held request has been delivered.</summary>
    /// <returns>A task that completes when no held request is left or in delivery.</returns>
    public async Task ReleaseHeldAsync()
    {
        List<HeldRequest> held;
        lock (_gate)
        {
            held = [.. _held.Values];
            _held.Clear();
        }

        foreach (HeldRequest request in held)
        {
            StartHeldDelivery(request);
        }

        // Failures are reported to the senders, not here.
        await Task.WhenAll(_heldDeliveries.Keys).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(siteUrl);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        Statistics.CountRequest();
        string key = Key(siteUrl.ToString());

        (Fault fault, double amount) = Choose(key);
        switch (fault)
        {
            case Fault.Partitioned:
                Statistics.CountPartitioned();
                throw new HttpRequestException($"Injected fault: {siteUrl} is partitioned from this workspace.");

            case Fault.DropBeforeSend:
                Statistics.CountDroppedBeforeSend();
                throw new HttpRequestException($"Injected fault: the request to {siteUrl} was lost before it arrived.");

            case Fault.ServerError:
                Statistics.CountServerError();
                int status = ServerErrorStatuses[(int)(amount * ServerErrorStatuses.Length) % ServerErrorStatuses.Length];
                return new RemoteResponse(status, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"status":"FAIL","err":"injected fault: HTTP {{status}} from an overloaded proxy"}""")));

            case Fault.Delay:
                Statistics.CountDelayed();
                await Task.Delay(TimeSpan.FromTicks((long)(_options.MaxDelay.Ticks * amount)), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                return await DeliverAsync(key, siteUrl, request, cancellationToken).ConfigureAwait(false);

            case Fault.DropAfterDelivery:
                await DeliverAsync(key, siteUrl, request, cancellationToken).ConfigureAwait(false);
                Statistics.CountDroppedAfterDelivery();
                throw new HttpRequestException($"Injected fault: {siteUrl} handled the request but its answer was lost.");

            case Fault.Duplicate:
                RemoteResponse first = await DeliverAsync(key, siteUrl, request, cancellationToken).ConfigureAwait(false);
                Statistics.CountDuplicated();
                try
                {
                    await DeliverAsync(key, siteUrl, request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The copy's fate is the network's business; the sender got the first answer.
                }

                return first;

            case Fault.Reorder when TryHold(key, siteUrl, request) is { } held:
                Statistics.CountReordered();
                try
                {
                    return await held.Response.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    held.Abandon();
                    throw;
                }

            default:
                return await DeliverAsync(key, siteUrl, request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(FaultInjectingTransport)} (seed {Seed}): {Statistics}";

    private (Fault Fault, double Amount) Choose(string key)
    {
        lock (_gate)
        {
            if (_partitioned.Contains(key))
            {
                return (Fault.Partitioned, 0);
            }

            if (!_isInjecting || _options.TotalProbability <= 0)
            {
                return (Fault.None, 0);
            }

            // Two draws per request, whatever the outcome, so the sequence of faults depends only on the seed.
            double roll = _random.NextDouble();
            double amount = _random.NextDouble();
            foreach ((Fault fault, double probability) in new[]
            {
                (Fault.DropBeforeSend, _options.DropBeforeSendProbability),
                (Fault.ServerError, _options.ServerErrorProbability),
                (Fault.DropAfterDelivery, _options.DropAfterDeliveryProbability),
                (Fault.Duplicate, _options.DuplicateProbability),
                (Fault.Reorder, _options.ReorderProbability),
                (Fault.Delay, _options.DelayProbability),
            })
            {
                if (roll < probability)
                {
                    return (fault, amount);
                }

                roll -= probability;
            }

            return (Fault.None, amount);
        }
    }

    private async Task<RemoteResponse> DeliverAsync(string key, Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken)
    {
        try
        {
            Statistics.CountDelivery();
            return await _inner.SendAsync(siteUrl, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A request held back for this site goes after the one that overtook it.
            HeldRequest? held;
            lock (_gate)
            {
                if (_held.Remove(key, out held))
                {
                    // Delivered below, outside the lock.
                }
            }

            if (held is not null)
            {
                StartHeldDelivery(held);
            }
        }
    }

    private HeldRequest? TryHold(string key, Uri siteUrl, RemoteRequest request)
    {
        var held = new HeldRequest(key, siteUrl, request);
        lock (_gate)
        {
            // One request held per site: a second candidate simply overtakes the first.
            if (!_held.TryAdd(key, held))
            {
                return null;
            }
        }

        _ = ReleaseWhenHoldExpiresAsync(held);
        return held;
    }

    private async Task ReleaseWhenHoldExpiresAsync(HeldRequest held)
    {
        await Task.Delay(_options.MaxReorderHold, _options.TimeProvider, CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_held.TryGetValue(held.Key, out HeldRequest? current) || current != held)
            {
                return;
            }

            _held.Remove(held.Key);
        }

        StartHeldDelivery(held);
    }

    private void StartHeldDelivery(HeldRequest held)
    {
        Task delivery = DeliverHeldAsync(held);
        _heldDeliveries.TryAdd(delivery, 0);
        _ = delivery.ContinueWith(t => _heldDeliveries.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task DeliverHeldAsync(HeldRequest held)
    {
        // Already on the wire: delivered even if the sender stopped waiting.
        try
        {
            Statistics.CountDelivery();
            RemoteResponse response = await _inner.SendAsync(held.SiteUrl, held.Request, CancellationToken.None).ConfigureAwait(false);
            if (held.MarkDelivered())
            {
                Statistics.CountLateDelivery();
            }

            held.Response.TrySetResult(response);
        }
        catch (Exception ex)
        {
            held.MarkDelivered();
            held.Response.TrySetException(ex);
        }
    }

    private static string Key(string siteUrl) => siteUrl.Trim().TrimEnd('/');

    private enum Fault
    {
        None,
        Partitioned,
        DropBeforeSend,
        ServerError,
        DropAfterDelivery,
        Duplicate,
        Reorder,
        Delay,
    }

    private sealed class HeldRequest
    {
        private const int Pending = 0;
        private const int Abandoned = 1;
        private const int Done = 2;
        private int _state;

        public HeldRequest(string key, Uri siteUrl, RemoteRequest request)
        {
            Key = key;
            SiteUrl = siteUrl;
            Request = request;

            // A sender that gave up never reads the outcome; observe it so it is not reported as unobserved.
            _ = Response.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        public string Key { get; }

        public Uri SiteUrl { get; }

        public RemoteRequest Request { get; }

        public TaskCompletionSource<RemoteResponse> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The sender stopped waiting before the request was delivered.</summary>
        public void Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Pending);

        /// <summary>Records the delivery; returns whether the sender had already stopped waiting (a late delivery).</summary>
        public bool MarkDelivered() => Interlocked.Exchange(ref _state, Done) == Abandoned;
    }
}
