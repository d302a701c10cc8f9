namespace SharedChannels.Content;

/// <summary>Host port: posts a system message (visible to channel members, authored by the system) in a channel.</summary>
public interface ISystemMessages
{
    /// <summary>Posts <paramref name="message"/> in <paramref name="channelId"/>.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="message">The text, e.g. "This channel is no longer shared.".</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the message is posted.</returns>
    ValueTask PostAsync(string channelId, string message, CancellationToken cancellationToken = default);
}
