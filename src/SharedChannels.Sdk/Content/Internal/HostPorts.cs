using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Identity;

namespace SharedChannels.Content.Internal;

/// <summary>
/// The host's content and identity ports, resolved when first needed, so a host that only uses secure
/// connections need not implement them. A missing port is reported with what to register.
/// </summary>
internal sealed class HostPorts(IServiceProvider services)
{
    public IChannelContent Content => Resolve<IChannelContent>("UseChannelContent<T>()");

    public IUserDirectory Users => Resolve<IUserDirectory>("UseUserDirectory<T>()");

    public ISystemMessages SystemMessages => Resolve<ISystemMessages>("UseSystemMessages<T>()");

    public IEmojiCatalog Emoji => Resolve<IEmojiCatalog>("UseEmojiCatalog<T>()");

    /// <summary>Gets the host's files, or <see langword="null"/> when the host does not share files.</summary>
    public IFileContent? Files => services.GetService<IFileContent>();

    private T Resolve<T>(string registration)
        where T : class =>
        services.GetService<T>() ?? throw new SharedChannelsException(
            SharedChannelsErrorCode.InvalidState,
            $"No {typeof(T).Name} is registered. Shared channels need the host to implement it: register it with {registration} on the shared channels builder (see docs/sync.md).");
}
