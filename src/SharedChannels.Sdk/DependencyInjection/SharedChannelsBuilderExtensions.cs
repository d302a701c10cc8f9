using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;

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
    /// Uses <typeparamref name="TFactory"/> to store everything one message from a peer writes in one host transaction,
    /// committed before the peer is answered (see <see cref="IInboundTransactionFactory"/>). Optional: without it, each
    /// port call is its own unit of work.
    /// </summary>
    /// <typeparam name="TFactory">The host's implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseInboundTransactions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFactory>(this ISharedChannelsBuilder builder)
        where TFactory : class, IInboundTransactionFactory
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IInboundTransactionFactory, TFactory>());
        return builder;
    }

    /// <summary>Uses <typeparamref name="TContent"/> as the host's channel content (posts, reactions, memberships).</summary>
    /// <typeparam name="TContent">The host's implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseChannelContent<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TContent>(this ISharedChannelsBuilder builder)
        where TContent : class, IChannelContent
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IChannelContent, TContent>());
        return builder;
    }

    /// <summary>Uses <typeparamref name="TDirectory"/> as the host's user directory.</summary>
    /// <typeparam name="TDirectory">The host's implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseUserDirectory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDirectory>(this ISharedChannelsBuilder builder)
        where TDirectory : class, IUserDirectory
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IUserDirectory, TDirectory>());
        return builder;
    }

    /// <summary>Uses <typeparamref name="TMessages"/> to post system messages.</summary>
    /// <typeparam name="TMessages">The host's implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseSystemMessages<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMessages>(this ISharedChannelsBuilder builder)
        where TMessages : class, ISystemMessages
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISystemMessages, TMessages>());
        return builder;
    }

    /// <summary>Uses <typeparamref name="TFiles"/> for the files attached to posts. Without it, posts sync without their files.</summary>
    /// <typeparam name="TFiles">The host's implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseFileContent<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFiles>(this ISharedChannelsBuilder builder)
        where TFiles : class, IFileContent
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFileContent, TFiles>());
        return builder;
    }

    /// <summary>Uses <typeparamref name="TCatalog"/> to know which emoji this workspace has.</summary>
    /// <typeparam name="TCatalog">The host's implementation.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseEmojiCatalog<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCatalog>(this ISharedChannelsBuilder builder)
        where TCatalog : class, IEmojiCatalog
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IEmojiCatalog, TCatalog>());
        builder.Services.TryAddSingleton<EmojiFallback>();
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
