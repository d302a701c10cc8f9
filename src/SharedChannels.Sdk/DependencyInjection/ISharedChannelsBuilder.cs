namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the shared channels SDK after <see cref="SharedChannelsServiceCollectionExtensions.AddSharedChannels"/>.</summary>
public interface ISharedChannelsBuilder
{
    /// <summary>Gets the service collection the SDK is registered in.</summary>
    IServiceCollection Services { get; }
}
