using System.Text.RegularExpressions;

namespace SharedChannels.Tests.Commands;

/// <summary>Reads command answers the way an admin does: the code blocks to copy, the rows of a table.</summary>
internal static partial class CommandMarkdown
{
    /// <summary>The contents of the fenced code blocks, in order.</summary>
    public static IReadOnlyList<string> CodeBlocks(string markdown) =>
        [.. CodeBlockPattern().Matches(markdown).Select(m => m.Groups["body"].Value)];

    /// <summary>The cells of the table rows (header and separator excluded), trimmed.</summary>
    public static IReadOnlyList<string[]> TableRows(string markdown) =>
        [.. markdown.Split('\n')
            .Where(l => l.StartsWith('|'))
            .Skip(2)
            .Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())];

    /// <summary>The table row whose cells include <paramref name="cell"/>.</summary>
    public static string[] Row(string markdown, string cell) =>
        TableRows(markdown).SingleOrDefault(r => r.Contains(cell))
        ?? throw new AssertionException($"no table row has the cell {cell} in:\n{markdown}");

    [GeneratedRegex("^(?<fence>`{3,})\\n(?<body>.*?)\\n\\k<fence>$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlockPattern();
}
