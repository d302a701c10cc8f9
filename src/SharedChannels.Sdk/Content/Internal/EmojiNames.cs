namespace SharedChannels.Content.Internal;

/// <summary>
/// Mattermost's emoji name rule (<c>model.IsValidEmojiName</c> / the reaction check): 1 to 64 characters, each an ASCII
/// letter, digit, <c>-</c>, <c>+</c> or <c>_</c>. A peer's reaction outside it (a path, a NUL, markup) is refused
/// rather than stored and relayed: hosts use emoji names as file names, URLs and CSS classes.
/// </summary>
internal static class EmojiNames
{
    public const int MaxLength = 64;

    /// <summary>The refusal reported to the peer: constant text, never the name itself.</summary>
    public const string InvalidReason = "the emoji name is not valid: it must be 1 to 64 ASCII letters, digits, '-', '+' or '_'";

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '+' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
