namespace SharedChannels.Content;

/// <summary>Host port: which emoji this workspace can display (system emoji and its own custom emoji).</summary>
public interface IEmojiCatalog
{
    /// <summary>Returns whether an emoji named <paramref name="name"/> exists here.</summary>
    /// <param name="name">The emoji name without colons.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when it can be displayed as an image.</returns>
    ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);
}
