using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SharedChannels.Identity;
using SharedChannels.Internal;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;
using SharedChannels.Transport;
using SharedChannels.Transport.InMemory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the implementations of the SDK's ports.</summary>
public static class SharedChannelsBuilderExtensions
{
    /// <summary>Keeps connections and sync state in memory (the default): for tests and demos; nothing survives a restart.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseInMemoryStorage(this ISharedChannelsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IConnectionStore, InMemoryConnectionStore>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ISharedChannelStore, InMemorySharedChannelStore>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ISyncStateStore, InMemorySyncStateStore>());
        return builder;
    }

    /// <summary>
    /// Sends over <paramref name="network"/> and attaches this workspace to it under
    /// <see cref="SharedChannels.SharedChannelsOptions.SiteUrl"/> when the host starts.
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
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SharedChannels.SharedChannelsOptions>>(),
            sp.GetRequiredService<RemoteFrameDispatcher>)));
        return builder;
    }

    /// <summary>Uses <typeparamref name="TChecker"/> to check the acting user's permissions.</summary>
    /// <typeparam name="TChecker">The host's permission checker.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UsePermissionChecker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TChecker>(this ISharedChannelsBuilder builder)
        where TChecker : class, IPermissionChecker
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IPermissionChecker, TChecker>());
        return builder;
    }

    /// <summary>Uses <paramref name="checker"/> to check the acting user's permissions.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="checker">The permission checker.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UsePermissionChecker(this ISharedChannelsBuilder builder, IPermissionChecker checker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(checker);
        builder.Services.Replace(ServiceDescriptor.Singleton(checker));
        return builder;
    }
}
