namespace SharedChannels.Content;

/// <summary>
/// How to show a reaction whose emoji this workspace does not have: as its name in colons (<c>:party_parrot:</c>),
/// rather than dropping it as Mattermost does.
/// </summary>
public sealed class EmojiFallback
{
    private readonly IEmojiCatalog _catalog;

    /// <summary>Creates the fallback over the host's emoji catalog.</summary>
    /// <param name="catalog">The emoji this workspace has.</param>
    public EmojiFallback(IEmojiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <summary>Returns <c>:name:</c> as text.</summary>
    /// <param name="emojiName">The emoji name.</param>
    /// <returns>The text form.</returns>
    public static string AsText(string emojiName)
    {
        ArgumentNullException.ThrowIfNull(emojiName);
        return $":{emojiName}:";
    }

    /// <summary>
    /// Decides how to show <paramref name="emojiName"/>: <see langword="null"/> when the workspace has it (show the
    /// image), otherwise the text <c>:name:</c> to show in its place.
    /// </summary>
    /// <param name="emojiName">The emoji name.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="null"/>, or the text to show.</returns>
    public async ValueTask<string?> GetTextFallbackAsync(string emojiName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(emojiName);
        return await _catalog.ExistsAsync(emojiName, cancellationToken).ConfigureAwait(false) ? null : AsText(emojiName);
    }
}
