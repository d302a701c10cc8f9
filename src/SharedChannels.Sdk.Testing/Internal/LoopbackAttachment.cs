using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SharedChannels.Transport;

namespace SharedChannels.Testing.Internal;

/// <summary>Attaches this workspace to a <see cref="LoopbackNetwork"/> for the lifetime of the host.</summary>
internal sealed class LoopbackAttachment(LoopbackNetwork network, IOptions<SharedChannelsOptions> options, Func<RemoteFrameDispatcher> dispatcher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.SiteUrl is { Length: > 0 } siteUrl)
        {
            network.Attach(siteUrl, dispatcher);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (options.Value.SiteUrl is { Length: > 0 } siteUrl)
        {
            network.Detach(siteUrl);
        }

        return Task.CompletedTask;
    }
}
