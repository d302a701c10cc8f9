using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Contracts;

/// <summary>The loopback transport passes the contract every transport must, over a <see cref="LoopbackNetwork"/>.</summary>
public sealed class LoopbackTransportContractTests : RemoteTransportContractTests<LoopbackTransport>
{
    private readonly LoopbackNetwork _network = new();
    private int _sites;

    protected override Task<LoopbackTransport> CreateTransportAsync() => Task.FromResult(new LoopbackTransport(_network));

    protected override Task<Uri> StartReceiverAsync(Func<RemoteRequest, CancellationToken, Task<RemoteResponse>> handler)
    {
        var site = new Uri($"https://receiver-{Interlocked.Increment(ref _sites)}.example.com");
        _network.Attach(site.ToString(), handler);
        return Task.FromResult(site);
    }

    protected override Task<Uri> GetUnreachableSiteUrlAsync()
    {
        // Attached, then cut off (SetReachable): as unreachable as a site never attached.
        var site = new Uri("https://cut-off.example.com");
        _network.Attach(site.ToString(), (_, _) => Task.FromResult(new RemoteResponse(200, ReadOnlyMemory<byte>.Empty)));
        _network.SetReachable(site.ToString(), reachable: false);
        return Task.FromResult(site);
    }
}
