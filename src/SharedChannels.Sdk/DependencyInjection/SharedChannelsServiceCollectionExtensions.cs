using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels;
using SharedChannels.Commands;
using SharedChannels.Connections;
using SharedChannels.Connections.Internal;
using SharedChannels.Content;
using SharedChannels.Content.Internal;
using SharedChannels.Coordination;
using SharedChannels.Coordination.Internal;
using SharedChannels.Sharing;
using SharedChannels.Sharing.Internal;
using SharedChannels.Sync;
using SharedChannels.Sync.Internal;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;
using SharedChannels.Internal;
using SharedChannels.Invitations;
using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the shared channels SDK in a service collection.</summary>
public static class SharedChannelsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the shared channels SDK: secure connections, the connection monitor and the inbound dispatcher.
    /// Storage defaults to in memory (nothing survives a restart); a transport and a permission checker must be
    /// registered through the returned builder or by the host. Calling it twice is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="SharedChannelsOptions"/>; validated when the host starts.</param>
    /// <returns>A builder to choose storage, transport and identity implementations.</returns>
    public static ISharedChannelsBuilder AddSharedChannels(this IServiceCollection services, Action<SharedChannelsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        OptionsBuilder<SharedChannelsOptions> options = services.AddOptions<SharedChannelsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SharedChannelsOptions>, SharedChannelsOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IConnectionStore, InMemoryConnectionStore>();
        services.TryAddSingleton<ISharedChannelStore, InMemorySharedChannelStore>();
        services.TryAddSingleton<ISyncStateStore, InMemorySyncStateStore>();

        // One process unless a storage package for several nodes (UsePostgreSqlStorage) replaces these: every lease is
        // this node's, changes stay in the process and inbound dedupe lives in the dispatcher's memory.
        services.TryAddSingleton<IConnectionLeaseStore, SingleNodeConnectionLeaseStore>();
        services.TryAddSingleton<IChannelChangeSignals, LocalChannelChangeSignals>();
        services.TryAddSingleton<IInboundFrameLog, LocalInboundFrameLog>();
        services.TryAddSingleton(sp => new ConnectionOwnership(
            sp.GetRequiredService<IConnectionLeaseStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>().CurrentValue.NodeId ?? NodeIds.Generate()));
        services.TryAddSingleton<ChangeSignalPublisher>();
        services.TryAddSingleton<ChangeSignalListener>();
        services.TryAddSingleton<ConnectionLeaseKeeper>();

        services.TryAddSingleton<ConnectionHealth>();
        services.TryAddSingleton<RemoteSender>();
        services.TryAddSingleton<PermissionGuard>();
        services.TryAddSingleton<ConnectionObservers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFrameHandler, ConnectionFrameHandler>());

        // First observer: a peer that must learn our new URL hears it before the catch-up it will answer.
        services.TryAddSingleton<SiteUrlAnnouncer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionObserver, SiteUrlAnnouncer>(sp => sp.GetRequiredService<SiteUrlAnnouncer>()));

        // Always Mattermost's cost: the type is internal, so only the SDK's own tests can register a cheaper one.
        services.TryAddSingleton(InvitationKeyDerivationCost.Mattermost);
        services.TryAddSingleton(sp => new SecureConnections(
            new InvitationSealer(sp.GetRequiredService<InvitationKeyDerivationCost>()),
            sp.GetRequiredService<IConnectionStore>(),
            sp.GetRequiredService<RemoteSender>(),
            sp.GetRequiredService<PermissionGuard>(),
            sp.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ConnectionObservers>(),
            sp.GetRequiredService<ILogger<SecureConnections>>()));
        services.TryAddSingleton(sp => new ConnectionMonitor(
            sp.GetRequiredService<IConnectionStore>(),
            sp.GetRequiredService<RemoteSender>(),
            sp.GetRequiredService<ConnectionHealth>(),
            sp.GetRequiredService<ConnectionObservers>(),
            sp.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConnectionMonitor>>(),
            sp.GetRequiredService<ConnectionOwnership>()));

        // The host's ports: a host that only uses secure connections need not implement them, and one that shares
        // channels without them is told what to register. The host's own registration (Use…<T>() or its own) wins.
        services.TryAddSingleton<IChannelContent, UnregisteredChannelContent>();
        services.TryAddSingleton<IUserDirectory, UnregisteredUserDirectory>();
        services.TryAddSingleton<ISystemMessages, UnregisteredSystemMessages>();
        services.TryAddSingleton<IEmojiCatalog, UnregisteredEmojiCatalog>();

        // No transport yet: requests to peers fail saying to call UseHttpTransport(), not with the container's message
        // about an internal type.
        services.TryAddSingleton<IRemoteTransport, UnregisteredTransport>();

        // Internal: tests replace the retry delays (and their jitter) to see the same delays on every run.
        services.TryAddSingleton<IRetryDelays>(_ => new ExponentialRetryDelays());
        services.TryAddSingleton(sp => new SharedChannelSync(
            sp.GetRequiredService<ISharedChannelStore>(),
            sp.GetRequiredService<IConnectionStore>(),
            sp.GetRequiredService<ISyncStateStore>(),
            sp.GetRequiredService<IChannelContent>(),
            sp.GetRequiredService<IUserDirectory>(),
            sp.GetRequiredService<ISystemMessages>(),
            sp.GetService<IFileContent>(),
            sp.GetRequiredService<RemoteSender>(),
            sp.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IRetryDelays>(),
            sp.GetRequiredService<ConnectionOwnership>(),
            sp.GetRequiredService<ChangeSignalPublisher>(),
            sp.GetRequiredService<ILogger<SharedChannelSync>>()));
        services.TryAddSingleton(sp => new ChannelSharing(
            sp.GetRequiredService<ISharedChannelStore>(),
            sp.GetRequiredService<IConnectionStore>(),
            sp.GetRequiredService<ISyncStateStore>(),
            sp.GetRequiredService<IChannelContent>(),
            sp.GetRequiredService<ISystemMessages>(),
            sp.GetRequiredService<RemoteSender>(),
            sp.GetRequiredService<PermissionGuard>(),
            sp.GetRequiredService<SharedChannelSync>(),
            sp.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ChannelSharing>>()));
        services.TryAddSingleton(sp => new SlashCommandHandler(
            sp.GetRequiredService<SecureConnections>(),
            sp.GetRequiredService<ChannelSharing>(),
            sp.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>(),
            sp.GetRequiredService<ILogger<SlashCommandHandler>>()));
        services.TryAddSingleton(sp => new InboundTransactions(
            sp.GetRequiredService<IChannelContent>(),
            sp.GetRequiredService<IUserDirectory>(),
            sp.GetService<IInboundTransactionFactory>()));
        services.TryAddSingleton<InboundGroupCommit>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFrameHandler, SyncReceiver>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFrameHandler, SharingFrameHandler>());
        services.TryAddSingleton<FileReceiver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFrameHandler, FileReceiver>(sp => sp.GetRequiredService<FileReceiver>()));
        services.TryAddSingleton<IUploadHandler>(sp => sp.GetRequiredService<FileReceiver>());
        services.TryAddSingleton<IProfileImageHandler, ProfileImageReceiver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionObserver, SharingConnectionObserver>());
        services.TryAddSingleton<GlobalUserSync>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionObserver, GlobalUserSync>(sp => sp.GetRequiredService<GlobalUserSync>()));

        services.TryAddSingleton(sp => new RemoteFrameDispatcher(
            sp.GetRequiredService<IConnectionStore>(),
            sp.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<IFrameHandler>(),
            sp.GetService<IUploadHandler>(),
            sp.GetRequiredService<ILogger<RemoteFrameDispatcher>>(),
            sp.GetService<IProfileImageHandler>(),
            sp.GetService<IPeerActivityListener>(),
            sp.GetService<IInboundFrameLog>()));
        services.TryAddSingleton<IPeerActivityListener>(sp => sp.GetRequiredService<SharedChannelSync>());

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SharedChannelsHostedService>());
        return new SharedChannelsBuilder(services);
    }
}
