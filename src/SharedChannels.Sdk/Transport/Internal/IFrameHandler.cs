namespace SharedChannels.Transport.Internal;

/// <summary>Handles the frames of some topics after <see cref="RemoteFrameDispatcher"/> authenticated and validated them.</summary>
internal interface IFrameHandler
{
    /// <summary>Gets the topics this handler takes.</summary>
    IReadOnlyCollection<string> Topics { get; }

    /// <summary>
    /// Handles one frame. Returns the reply payload (or <c>default</c> for none). Throws
    /// <see cref="SharedChannelsException"/> to refuse the frame with a reason the peer may see.
    /// </summary>
    Task<System.Text.Json.JsonElement> HandleAsync(InboundFrame frame, CancellationToken cancellationToken);
}
