using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SharedChannels;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Sync;
using SharedChannels.Testing;
using SharedChannels.Testing.Internal;
using SharedChannels.Transport;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the test and demo doubles of <c>SharedChannels.Sdk.Testing</c> as the SDK's ports.</summary>
public static class SharedChannelsTestingBuilderExtensions
{
    /// <summary>
    /// Sends over <paramref name="network"/> and attaches this workspace to it under
    /// <see cref="SharedChannelsOptions.SiteUrl"/> when the host starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="network">The in-process network shared by the workspaces.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseLoopbackTransport(this ISharedChannelsBuilder builder, LoopbackNetwork network)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(network);
        builder.Services.Replace(ServiceDescriptor.Singleton<IRemoteTransport>(new LoopbackTransport(network)));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LoopbackAttachment>(sp => new LoopbackAttachment(
            network,
            sp.GetRequiredService<IOptions<SharedChannelsOptions>>(),
            sp.GetRequiredService<RemoteFrameDispatcher>)));
        return builder;
    }

    /// <summary>
    /// Uses an <see cref="InMemoryChatContent"/> for every host port (content, users, system messages, emoji,
    /// files) and forwards its local changes to <see cref="SharedChannelSync.NotifyChannelChanged"/>: for tests and demos.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="content">The in-memory workspace.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseInMemoryContent(this ISharedChannelsBuilder builder, InMemoryChatContent content)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(content);
        builder.Services.Replace(ServiceDescriptor.Singleton<IChannelContent>(content));
        builder.Services.Replace(ServiceDescriptor.Singleton<IUserDirectory>(content));
        builder.Services.Replace(ServiceDescriptor.Singleton<ISystemMessages>(content));
        builder.Services.Replace(ServiceDescriptor.Singleton<IEmojiCatalog>(content));
        builder.Services.Replace(ServiceDescriptor.Singleton<IFileContent>(content));
        builder.Services.TryAddSingleton<EmojiFallback>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InMemoryContentNotifier>(sp => new InMemoryContentNotifier(content, sp.GetRequiredService<SharedChannelSync>())));
        return builder;
    }
}
