namespace Microsoft.Extensions.DependencyInjection;

internal sealed class SharedChannelsBuilder(IServiceCollection services) : ISharedChannelsBuilder
{
    public IServiceCollection Services { get; } = services;
}
