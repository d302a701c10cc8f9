using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Identity;

namespace SharedChannels.Content.Internal;

/// <summary>
/// The host's content and identity ports, resolved when first needed, so a host that only uses secure
/// connections need not implement them. A missing port is reported with what to register. The ports are
/// singletons (see the builder's <c>Use…</c> methods), so each is resolved once and kept: sync reads them for
/// every item.
/// </summary>
internal sealed class HostPorts(IServiceProvider services)
{
    private IChannelContent? _content;
    private IUserDirectory? _users;
    private ISystemMessages? _systemMessages;
    private IEmojiCatalog? _emoji;
    private IFileContent? _files;
    private bool _filesResolved;

    public IChannelContent Content => _content ??= Resolve<IChannelContent>("UseChannelContent<T>()");

    public IUserDirectory Users => _users ??= Resolve<IUserDirectory>("UseUserDirectory<T>()");

    public ISystemMessages SystemMessages => _systemMessages ??= Resolve<ISystemMessages>("UseSystemMessages<T>()");

    public IEmojiCatalog Emoji => _emoji ??= Resolve<IEmojiCatalog>("UseEmojiCatalog<T>()");

    /// <summary>Gets the host's files, or <see langword="null"/> when the host does not share files.</summary>
    public IFileContent? Files
    {
        get
        {
            if (!Volatile.Read(ref _filesResolved))
            {
                _files = services.GetService<IFileContent>();
                Volatile.Write(ref _filesResolved, true);
            }

            return _files;
        }
    }

    private T Resolve<T>(string registration)
        where T : class =>
        services.GetService<T>() ?? throw new SharedChannelsException(
            SharedChannelsErrorCode.InvalidState,
            $"No {typeof(T).Name} is registered. Shared channels need the host to implement it: register it with {registration} on the shared channels builder (see docs/sync.md).");
}
