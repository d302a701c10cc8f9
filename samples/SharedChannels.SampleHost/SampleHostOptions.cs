using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharedChannels.Identity;

namespace SharedChannels.Samples;

/// <summary>How to run one sample chat host.</summary>
public sealed record SampleHostOptions
{
    /// <summary>
    /// Gets the address to listen on, which is also the workspace's site URL for its peers: <c>http://127.0.0.1:{port}</c>
    /// (the sample listens on 127.0.0.1 only). Port 0, the default, picks a free port.
    /// </summary>
    public Uri Url { get; init; } = new("http://127.0.0.1:0");

    /// <summary>
    /// Gets the folder of the host's data, created if missing: <c>chat.db</c> (the host's own chat data),
    /// <c>shared-channels.db</c> (the SDK's connections, shared channels and sync cursors), and the folders
    /// <c>files/</c> and <c>images/</c> (the bytes of attachments and profile images, under generated names).
    /// </summary>
    public required string DataDirectory { get; init; }

    /// <summary>Gets the least severe log level written to the console. Default <see cref="LogLevel.Information"/>.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>
    /// Gets how remote users are named here, or <see langword="null"/> for the SDK's default
    /// (<see cref="UsernameCollisionPolicy.SuffixOnCollision"/>: <c>john</c> stays <c>john</c> unless taken).
    /// <see cref="UsernameCollisionPolicy.AlwaysSuffix"/> names every remote user <c>john:chat-a</c>, as Mattermost does
    /// and as Mattermost users expect. Command line: <c>--username-policy AlwaysSuffix</c>.
    /// </summary>
    public UsernameCollisionPolicy? UsernameCollisionPolicy { get; init; }

    /// <summary>Gets a value indicating whether files attached to posts are accepted from peers. Default <see langword="true"/>.</summary>
    public bool EnableFileAttachments { get; init; } = true;

    /// <summary>Gets the largest file, in bytes, uploaded here or accepted from peers. Default 10 MiB.</summary>
    public long MaxFileSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>Gets the largest profile image, in bytes, set here. Default 1 MiB.</summary>
    public int MaxProfileImageSize { get; init; } = 1024 * 1024;

    /// <summary>Gets an optional last say on the SDK's options (e.g. <see cref="SharedChannelsOptions.MaxPostsPerSync"/>).</summary>
    public Action<SharedChannelsOptions>? ConfigureSharedChannels { get; init; }

    /// <summary>
    /// Gets an optional last say on the application's services, after the sample's and the SDK's registrations: for
    /// tests and benchmarks that decorate a port or the transport (e.g. to time when a peer's post is stored).
    /// </summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
