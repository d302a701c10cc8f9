namespace SharedChannels.Coordination.Internal;

/// <summary>The default with one process: changes are routed in the process, so there is nothing to carry or to hear.</summary>
internal sealed class LocalChannelChangeSignals : IChannelChangeSignals
{
    public Task PublishAsync(ChannelChangeSignal signal, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task ListenAsync(IChannelChangeListener listener, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
