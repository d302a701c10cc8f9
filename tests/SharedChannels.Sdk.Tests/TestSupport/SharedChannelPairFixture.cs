namespace SharedChannels.Tests.TestSupport;

/// <summary>
/// The base of fixtures whose tests each start their own <see cref="SharedChannelPair"/> (with the options the test
/// needs) and leave it to be disposed after the test.
/// </summary>
public abstract class SharedChannelPairFixture
{
    private SharedChannelPair? _pair;

    /// <summary>Gets the pair the test started.</summary>
    private protected SharedChannelPair Pair => _pair ?? throw new InvalidOperationException("Start the pair first.");

    [TearDown]
    public async Task DisposePairAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
            _pair = null;
        }
    }

    /// <summary>Starts the test's pair; see <see cref="SharedChannelPair.StartAsync"/>.</summary>
    private protected async Task<SharedChannelPair> StartPairAsync(
        Action<SharedChannelsOptions>? homeOptions = null,
        Action<SharedChannelsOptions>? remoteOptions = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? remoteServices = null) =>
        _pair = await SharedChannelPair.StartAsync(homeOptions, remoteOptions, remoteServices);
}
