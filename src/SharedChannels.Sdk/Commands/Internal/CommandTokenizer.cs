using System.Text;

namespace SharedChannels.Commands.Internal;

/// <summary>
/// Splits a command line into words. Words are separated by any white space (no-break spaces included, as pasted
/// from documents). A value with spaces is quoted with <c>"…"</c>, typographic <c>“…”</c> / <c>„…“</c>, or
/// <c>‘…’</c>, because chat clients and word processors replace straight quotes as people type.
/// </summary>
/// <remarks>
/// A quote opens only at the start of a word (or right after the <c>=</c> of <c>--flag=</c>), so apostrophes
/// inside words (<c>don't</c>, <c>Acme’s</c>) are plain text. A quote closes only when followed by white space
/// or the end of the line, so <c>“Acme’s team”</c> and <c>‘Acme’s team’</c> work too. Inside quotes,
/// <c>\</c> followed by a quote character or <c>\</c> stands for that character; any other <c>\</c> is kept.
/// </remarks>
internal static class CommandTokenizer
{
    /// <summary>Splits <paramref name="text"/>; on an unterminated quote, returns the words before it and an error.</summary>
    /// <param name="text">The command line.</param>
    /// <param name="tokens">The words read (all of them, or those before the unterminated quote).</param>
    /// <param name="error">Why the line could not be read, without quoting any of it; <see langword="null"/> on success.</param>
    /// <returns>Whether the whole line was read.</returns>
    public static bool TryTokenize(string text, out List<CommandToken> tokens, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        tokens = [];
        error = null;
        var word = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            word.Clear();
            int wordStart = i;
            bool quoted = false;
            int firstEquals = -1;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                char c = text[i];
                bool mayOpen = word.Length == 0 || (firstEquals == word.Length - 1 && LooksLikeOption(word));
                if (mayOpen && QuoteFamily(c, opening: true) is { } family)
                {
                    int openedAt = i;
                    i = ReadQuoted(text, i + 1, family, word);
                    if (i < 0)
                    {
                        error = $"The quote {c} at character {openedAt + 1} is never closed. Add the closing quote after the value.";
                        return false;
                    }

                    // Only a word that starts with a quote is a pure value: --name="a b" is still an option.
                    quoted |= openedAt == wordStart;
                    continue;
                }

                if (c == '=' && firstEquals < 0)
                {
                    firstEquals = word.Length;
                }

                word.Append(c);
                i++;
            }

            tokens.Add(new CommandToken(word.ToString(), quoted));
        }

        return true;
    }

    /// <summary>Writes <paramref name="value"/> so that <see cref="TryTokenize"/> reads it back as one word, quoting only when needed.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The value as it can be typed in a command.</returns>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool needsQuotes = value.Length == 0
            || value[0] is '-' or '\u2013' or '\u2014'
            || value.Any(c => char.IsWhiteSpace(c) || c == '\\' || QuoteFamily(c, opening: false) is not null);
        if (!needsQuotes)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 8).Append('"');
        foreach (char c in value)
        {
            if (c == '\\' || QuoteFamily(c, opening: false) == '"')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>Reads a quoted value into <paramref name="word"/>; returns the index after the closing quote, or -1.</summary>
    private static int ReadQuoted(string text, int start, char family, StringBuilder word)
    {
        int i = start;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == '\\' || QuoteFamily(text[i + 1], opening: false) == family))
            {
                word.Append(text[i + 1]);
                i += 2;
                continue;
            }

            if (QuoteFamily(c, opening: false) == family && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])))
            {
                return i + 1;
            }

            word.Append(c);
            i++;
        }

        return -1;
    }

    private static bool LooksLikeOption(StringBuilder word) => word.Length > 2 && CommandParser.IsOptionPrefix(word.ToString());

    /// <summary>'"' for the double quotes, '\'' for the single quotes, <see langword="null"/> for other characters.</summary>
    private static char? QuoteFamily(char c, bool opening) => c switch
    {
        '"' or '\u201C' or '\u201E' => '"',   // " “ „
        '\u201D' or '\u201F' => opening ? null : '"', // ” ‟ close only
        '\u2018' or '\u201A' => '\'',  // ‘ ‚
        '\u2019' or '\u201B' => opening ? null : '\'', // ’ ‛ close only
        _ => null,
    };
}
