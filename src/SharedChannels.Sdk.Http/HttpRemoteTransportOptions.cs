namespace SharedChannels.Http;

/// <summary>Settings of <see cref="HttpRemoteTransport"/>. Validated when the host starts.</summary>
public sealed class HttpRemoteTransportOptions
{
    /// <summary>The default for <see cref="MaxResponseBytes"/>: 16 MiB.</summary>
    public const int DefaultMaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest reply body read from a peer, in bytes. A larger reply fails the request (the
    /// peer counts as unreachable) instead of exhausting memory. Default 16 MiB.
    /// </summary>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>
    /// Gets or sets a backstop for one request, from sending to the last byte of the reply. The SDK already cancels
    /// sends after <see cref="SharedChannelsOptions.SendTimeout"/> and pings after
    /// <see cref="SharedChannelsOptions.PingTimeout"/>; this only catches callers that pass no deadline.
    /// Default 2 minutes; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);
}
