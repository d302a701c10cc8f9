using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
    /// Gets the folder of the two database files, created if missing: <c>chat.db</c> (the host's own chat data) and
    /// <c>shared-channels.db</c> (the SDK's connections, shared channels and sync cursors).
    /// </summary>
    public required string DataDirectory { get; init; }

    /// <summary>Gets the least severe log level written to the console. Default <see cref="LogLevel.Information"/>.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>Gets an optional last say on the SDK's options (e.g. <see cref="SharedChannelsOptions.MaxPostsPerSync"/>).</summary>
    public Action<SharedChannelsOptions>? ConfigureSharedChannels { get; init; }

    /// <summary>
    /// Gets an optional last say on the application's services, after the sample's and the SDK's registrations: for
    /// tests and benchmarks that decorate a port or the transport (e.g. to time when a peer's post is stored).
    /// </summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
