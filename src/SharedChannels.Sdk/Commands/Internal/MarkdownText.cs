using System.Globalization;
using System.Text;

namespace SharedChannels.Commands.Internal;

/// <summary>Writes values into Markdown so that no value (a display name, a URL) can change the layout.</summary>
internal static class MarkdownText
{
    private const string Nothing = "—";

    /// <summary>Escapes text for a paragraph or a table cell: markup characters are escaped and line breaks become spaces.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The escaped text; a dash for empty text.</returns>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Nothing;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '~' or '[' or ']' or '<' or '>' or '|' or '#' or '!' or '(' or ')' or ':' or '@')
            {
                escaped.Append('\\').Append(c);
            }
            else
            {
                escaped.Append(char.IsControl(c) ? ' ' : c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// Escapes a sentence written by the SDK (an error message) that may quote what the user typed: only the
    /// characters that could start code, links, tables or HTML are escaped, so the text stays readable as plain text.
    /// </summary>
    /// <param name="text">The sentence.</param>
    /// <returns>The escaped sentence.</returns>
    public static string EscapeMessage(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (c is '\\' or '`' or '*' or '~' or '[' or ']' or '<' or '>' or '|')
            {
                escaped.Append('\\').Append(c);
            }
            else
            {
                escaped.Append(char.IsControl(c) ? ' ' : c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Writes text as inline code, with a fence longer than any run of backticks inside.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The code span; a dash for empty text.</returns>
    public static string Code(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Nothing;
        }

        string oneLine = new([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
        string fence = new('`', LongestRun(oneLine, '`') + 1);
        string pad = oneLine.StartsWith('`') || oneLine.EndsWith('`') ? " " : string.Empty;
        return fence + pad + oneLine + pad + fence;
    }

    /// <summary>Writes text as a fenced code block, with a fence longer than any run of backticks inside.</summary>
    /// <param name="builder">Where to write.</param>
    /// <param name="text">The text.</param>
    public static void CodeBlock(StringBuilder builder, string text)
    {
        string fence = new('`', Math.Max(3, LongestRun(text, '`') + 1));
        builder.Append(fence).Append('\n').Append(text.ReplaceLineEndings(" ")).Append('\n').Append(fence).Append('\n');
    }

    /// <summary>Writes a Markdown table.</summary>
    /// <param name="builder">Where to write.</param>
    /// <param name="headers">The column headers.</param>
    /// <param name="rows">The cells of each row, already escaped.</param>
    public static void Table(StringBuilder builder, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        builder.Append("| ").AppendJoin(" | ", headers).Append(" |\n");
        builder.Append('|').AppendJoin('|', headers.Select(_ => " --- ")).Append("|\n");
        foreach (IReadOnlyList<string> row in rows)
        {
            builder.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        }
    }

    /// <summary>Formats a point in time in UTC, sortable and unambiguous: <c>2026-11-25 12:00:00 UTC</c>.</summary>
    /// <param name="time">The time; <see langword="null"/> for never.</param>
    /// <param name="never">What to write when there is no time.</param>
    /// <returns>The text.</returns>
    public static string Utc(DateTimeOffset? time, string never = "never") =>
        time is { } t ? t.UtcDateTime.ToString("yyyy'-'MM'-'dd' 'HH':'mm':'ss' UTC'", CultureInfo.InvariantCulture) : never;

    /// <summary>Yes or No.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string YesNo(bool value) => value ? "Yes" : "No";

    private static int LongestRun(string text, char c)
    {
        int longest = 0;
        int current = 0;
        foreach (char x in text)
        {
            current = x == c ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }
}
