using System.Globalization;
using System.Text;

namespace SharedChannels.Wire;

/// <summary>
/// Makes a peer's file name and MIME type safe to hand to a host port. A peer chooses them freely: a name must not
/// carry a path, control or bidirectional-override characters (which disguise an extension), or an unbounded length.
/// The name stays metadata: hosts store the bytes under names they generate.
/// </summary>
internal static class FileNames
{
    /// <summary>The longest name kept, in characters (ext4 and NTFS allow 255 per path segment).</summary>
    public const int MaxLength = 255;

    /// <summary>The name given to a file whose name has nothing left once sanitized.</summary>
    public const string Fallback = "file";

    public const string DefaultMimeType = "application/octet-stream";

    private const int MaxExtensionLength = 16;
    private const int MaxMimeTypeLength = 127;

    /// <summary>
    /// The last path segment of <paramref name="name"/> without control, format (bidi, zero-width) or unassigned
    /// characters, trimmed, without leading dots, and at most <see cref="MaxLength"/> characters with the extension
    /// kept; <see cref="Fallback"/> when nothing is left.
    /// </summary>
    public static string Sanitize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Fallback;
        }

        // Both separators, whatever this machine's: a name from a peer is never a path.
        int cut = name.LastIndexOfAny(['/', '\\']);
        ReadOnlySpan<char> last = name.AsSpan(cut + 1);

        var kept = new StringBuilder(Math.Min(last.Length, MaxLength + 1));
        Span<char> utf16 = stackalloc char[2];
        foreach (Rune rune in last.EnumerateRunes())
        {
            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator ||
                rune.Value is ':' or '*' or '?' or '"' or '<' or '>' or '|')
            {
                continue;
            }

            // Appended from the stack, not as a string per character: a hostile name can be megabytes long.
            kept.Append(utf16[..rune.EncodeToUtf16(utf16)]);
        }

        string clean = kept.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (clean.Length == 0)
        {
            return Fallback;
        }

        if (clean.Length <= MaxLength)
        {
            return clean;
        }

        // Keep a short extension: it is what tells the type of the file.
        string extension = Path.GetExtension(clean);
        if (extension.Length is 0 or > MaxExtensionLength)
        {
            extension = string.Empty;
        }

        string stem = clean[..(MaxLength - extension.Length)];
        if (stem.Length > 0 && char.IsHighSurrogate(stem[^1]))
        {
            stem = stem[..^1];
        }

        return stem + extension;
    }

    /// <summary>The extension of a sanitized name, lower case and without its dot (Mattermost's <c>FileInfo.Extension</c>).</summary>
    public static string Extension(string name)
    {
        string extension = Path.GetExtension(name);
        return extension.Length is > 1 and <= MaxExtensionLength ? extension[1..].ToLowerInvariant() : string.Empty;
    }

    /// <summary>
    /// <paramref name="mimeType"/> when it has the shape <c>type/subtype</c> of RFC 6838 token characters (parameters
    /// dropped), lower case; otherwise <see cref="DefaultMimeType"/>.
    /// </summary>
    public static string SanitizeMimeType(string? mimeType)
    {
        if (string.IsNullOrEmpty(mimeType))
        {
            return DefaultMimeType;
        }

        string essence = mimeType.Split(';', 2)[0].Trim();
        int slash = essence.IndexOf('/', StringComparison.Ordinal);
        if (essence.Length > MaxMimeTypeLength || slash <= 0 || slash == essence.Length - 1 || essence.IndexOf('/', slash + 1) >= 0)
        {
            return DefaultMimeType;
        }

        foreach (char c in essence)
        {
            if (c != '/' && !char.IsAsciiLetterOrDigit(c) && c is not ('!' or '#' or '$' or '&' or '-' or '^' or '_' or '.' or '+'))
            {
                return DefaultMimeType;
            }
        }

        return essence.ToLowerInvariant();
    }
}
