using System.Globalization;
using System.Text;

namespace SharedChannels.Identity.Internal;

/// <summary>
/// Makes a peer's username safe to store. Two forms come out of one remote username:
/// <list type="bullet">
/// <item><see cref="CleanRemoteUsername"/>: the name as the peer spelled it, for display and to recognise later updates,
/// without the characters that are invisible or reorder text (so <c>evil&lt;U+202E&gt;gnp.exe</c> cannot display as
/// <c>evilexe.png</c>, and a CR/LF or NUL never reaches the host).</item>
/// <item><see cref="ToLocalUsername"/>: the base of the local username, in Mattermost's username alphabet
/// (<c>a-z 0-9 . - _</c>, plus <c>:</c> for names another hop already munged), at most 64 characters. It is the
/// name's <em>skeleton</em>: NFKC, accents dropped, a small table of Cyrillic and Greek look-alikes mapped to the
/// Latin letters they imitate, lower case. A look-alike of a local name therefore becomes that exact name, and the
/// host's ordinary exact (case-insensitive) lookup sees the collision.</item>
/// </list>
/// </summary>
/// <remarks>
/// Why the skeleton is the stored name rather than a second lookup key: the host finds users by exact name only
/// (<see cref="IUserDirectory.FindByUsernameAsync"/>) and cannot search by skeleton, and Mattermost peers only ever
/// send names in this alphabet anyway. The price is that a non-Latin name (<c>张伟</c>) has no Latin skeleton and gets a
/// name built from the user id; its <see cref="ChatUser.RemoteUsername"/> keeps the original for display. The
/// table is deliberately small (in the spirit of Unicode TS #39, not the full confusables data): <c>0</c>/<c>o</c>,
/// <c>1</c>/<c>l</c> and <c>rn</c>/<c>m</c> are not folded, as they are visible in the Latin alphabet itself.
/// </remarks>
internal static class UsernameSanitizer
{
    /// <summary>The prefix of the name given to a remote user whose username has no Latin skeleton.</summary>
    public const string FallbackPrefix = "remote-";

    /// <summary>
    /// Removes control characters (Cc: NUL, CR, LF, TAB…), format characters (Cf: zero-width space and joiners,
    /// bidi embeddings, overrides and isolates, BOM, soft hyphen, tag characters), line and paragraph separators,
    /// the rest of Unicode's Default_Ignorable_Code_Point set (variation selectors, Hangul fillers, combining
    /// grapheme joiner…) and ill-formed UTF-16, then trims white space.
    /// </summary>
    /// <returns>The cleaned name, or <see langword="null"/> when nothing visible is left.</returns>
    public static string? CleanRemoteUsername(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var builder = new StringBuilder(value.Length);
        foreach (Rune rune in value.EnumerateRunes())
        {
            // EnumerateRunes turns a lone surrogate into U+FFFD: dropped with the rest.
            if (!IsInvisible(rune) && rune != Rune.ReplacementChar)
            {
                builder.Append(rune.ToString());
            }
        }

        string cleaned = builder.ToString().Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>
    /// The base of the local username of a remote user: the skeleton of <paramref name="remoteUsername"/> in the
    /// alphabet <c>a-z 0-9 . - _ :</c>, at most <see cref="UsernameRenamer.MaxUsernameLength"/> characters. White
    /// space becomes <c>-</c> (as in Mattermost's <c>CleanUsername</c>); any other character without a Latin
    /// skeleton is dropped. A name left without a letter or digit becomes <c>remote-&lt;user id&gt;</c>.
    /// </summary>
    public static string ToLocalUsername(string? remoteUsername, string userId)
    {
        string cleaned = CleanRemoteUsername(remoteUsername) ?? string.Empty;

        // NFKC folds compatibility forms onto plain letters (fullwidth ａ, mathematical 𝐚, ligature ﬁ, superscript ²);
        // NFD then splits accents off so they can be dropped (é → e, and a stack of combining marks → its base).
        string decomposed = cleaned.Normalize(NormalizationForm.FormKC).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(Math.Min(decomposed.Length, UsernameRenamer.MaxUsernameLength));
        bool hasLetterOrDigit = false;
        foreach (char raw in decomposed)
        {
            if (builder.Length == UsernameRenamer.MaxUsernameLength)
            {
                break;
            }

            char c = char.ToLowerInvariant(ToLatinLookAlike(raw));
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                builder.Append(c);
                hasLetterOrDigit = true;
            }
            else if (c is '.' or '-' or '_' or ':')
            {
                builder.Append(c);
            }
            else if (char.IsWhiteSpace(c))
            {
                builder.Append('-');
            }
        }

        return hasLetterOrDigit ? builder.ToString() : Fallback(userId);
    }

    private static string Fallback(string userId)
    {
        var builder = new StringBuilder(FallbackPrefix, FallbackPrefix.Length + userId.Length);
        foreach (char c in userId)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static bool IsInvisible(Rune rune)
    {
        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
        {
            return true;
        }

        // Default_Ignorable_Code_Point (DerivedCoreProperties.txt) outside Cf: characters a renderer shows as nothing.
        int v = rune.Value;
        return v is 0x034F or (>= 0x115F and <= 0x1160) or (>= 0x17B4 and <= 0x17B5) or (>= 0x180B and <= 0x180F)
            or (>= 0x2060 and <= 0x206F) or 0x3164 or (>= 0xFE00 and <= 0xFE0F) or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8)
            or (>= 0x1BCA0 and <= 0x1BCA3) or (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE0FFF);
    }

    /// <summary>
    /// Cyrillic and Greek letters (and three Latin variants) that render like a Latin letter in common fonts, mapped to
    /// that letter; both cases, as the upper-case forms imitate upper-case Latin letters. Everything else is unchanged.
    /// </summary>
    private static char ToLatinLookAlike(char c) => c switch
    {
        // Cyrillic (accented forms such as ё arrive here already split by NFD)
        'А' or 'а' => 'a',
        'В' or 'в' => 'b',
        'С' or 'с' => 'c',
        'ԁ' => 'd',
        'Е' or 'е' => 'e',
        'Һ' or 'һ' or 'Н' or 'н' => 'h',
        'І' or 'і' or 'Ӏ' or 'ӏ' => 'i',
        'Ј' or 'ј' => 'j',
        'К' or 'к' => 'k',
        'М' or 'м' => 'm',
        'О' or 'о' => 'o',
        'Р' or 'р' => 'p',
        'Ԛ' or 'ԛ' => 'q',
        'Ѕ' or 'ѕ' => 's',
        'Т' or 'т' => 't',
        'Ԝ' or 'ԝ' => 'w',
        'Х' or 'х' => 'x',
        'У' or 'у' or 'Ү' or 'ү' => 'y',

        // Greek
        'Α' or 'α' => 'a',
        'Β' => 'b',
        'Ε' => 'e',
        'Η' => 'h',
        'Ι' or 'ι' => 'i',
        'Κ' or 'κ' => 'k',
        'Μ' => 'm',
        'Ν' => 'n',
        'ν' => 'v',
        'Ο' or 'ο' => 'o',
        'Ρ' or 'ρ' => 'p',
        'Τ' => 't',
        'Υ' => 'y',
        'υ' => 'u',
        'Χ' or 'χ' => 'x',
        'Ζ' => 'z',

        // Latin variants
        'ı' => 'i',
        'ɑ' => 'a',
        'ɡ' => 'g',
        _ => c,
    };
}
