using System.Collections.Concurrent;
using SharedChannels.Coordination;

namespace SharedChannels.Tests.Coordination;

/// <summary>A lease store a test steers: whether leases are granted, and whether renewals succeed, are refused or fail.</summary>
internal sealed class FakeLeaseStore : IConnectionLeaseStore
{
    private long _epoch;

    /// <summary>Gets or sets whether free leases are granted.</summary>
    public bool Grant { get; set; } = true;

    /// <summary>Gets or sets what a renewal answers.</summary>
    public bool RenewResult { get; set; } = true;

    /// <summary>Gets or sets whether every call fails, as with the database down.</summary>
    public bool Down { get; set; }

    public ConcurrentQueue<ConnectionLease> Released { get; } = new();

    public Task<ConnectionLease?> TryAcquireAsync(string connectionId, string nodeId, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Down ? Task.FromException<ConnectionLease?>(DownError()) : Task.FromResult(Grant ? new ConnectionLease(connectionId, nodeId, Interlocked.Increment(ref _epoch)) : null);

    public Task<bool> RenewAsync(ConnectionLease lease, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Down ? Task.FromException<bool>(DownError()) : Task.FromResult(RenewResult);

    public Task ReleaseAsync(ConnectionLease lease, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            return Task.FromException(DownError());
        }

        Released.Enqueue(lease);
        return Task.CompletedTask;
    }

    private static SharedChannelsException DownError() =>
        new(SharedChannelsErrorCode.Unknown, "The database is down (test).", isTransient: true);
}

/// <summary>Change signals a test sees published, and whose listener it can call as another node would.</summary>
internal sealed class FakeChangeSignals : IChannelChangeSignals
{
    public ConcurrentQueue<ChannelChangeSignal> Published { get; } = new();

    public Task PublishAsync(ChannelChangeSignal signal, CancellationToken cancellationToken = default)
    {
        Published.Enqueue(signal);
        return Task.CompletedTask;
    }

    public Task ListenAsync(IChannelChangeListener listener, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>A shared frame log a test steers: it may claim every frame was answered elsewhere, or every signature seen.</summary>
internal sealed class FakeFrameLog : IInboundFrameLog
{
    public ReadOnlyMemory<byte>? AnswerEverything { get; set; }

    public bool SignaturesAreNew { get; set; } = true;

    public ConcurrentQueue<string> Recorded { get; } = new();

    public ConcurrentQueue<string> SignaturesChecked { get; } = new();

    public Task<ReadOnlyMemory<byte>?> GetAnswerAsync(string remoteId, string messageId, CancellationToken cancellationToken = default) =>
        Task.FromResult(AnswerEverything);

    public Task RecordAnswerAsync(string remoteId, string messageId, ReadOnlyMemory<byte> answer, TimeSpan retention, CancellationToken cancellationToken = default)
    {
        Recorded.Enqueue(messageId);
        return Task.CompletedTask;
    }

    public Task<bool> TryRecordSignatureAsync(string remoteId, string signature, TimeSpan retention, CancellationToken cancellationToken = default)
    {
        SignaturesChecked.Enqueue(signature);
        return Task.FromResult(SignaturesAreNew);
    }

    public Task<int> RemoveExpiredAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
}
