using Microsoft.Extensions.Hosting;
using SharedChannels.Sync;

namespace SharedChannels.Testing.Internal;

/// <summary>Forwards an <see cref="InMemoryChatContent"/>'s local changes to the sync engine while the host runs.</summary>
internal sealed class InMemoryContentNotifier(InMemoryChatContent content, SharedChannelSync sync) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        content.ChannelChanged += sync.NotifyChannelChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        content.ChannelChanged -= sync.NotifyChannelChanged;
        return Task.CompletedTask;
    }
}
