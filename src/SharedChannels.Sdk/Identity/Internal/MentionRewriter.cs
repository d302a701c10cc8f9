using System.Text;

namespace SharedChannels.Identity.Internal;

/// <summary>
/// Rewrites <c>@mentions</c> in a message. Unlike Mattermost's plain replace, a mention only matches as a whole
/// word: rewriting <c>@bob</c> leaves <c>@bobby</c> and <c>@bob.smith</c> alone.
/// </summary>
internal static class MentionRewriter
{
    /// <summary>Replaces every whole-word <c>@from</c> with <c>@to</c> (case-insensitive, like usernames).</summary>
    public static string Replace(string message, string from, string to) =>
        Rewrite(message, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [from] = to });

    /// <summary>
    /// Rewrites every whole-word mention found in <paramref name="replacements"/> (keys compared
    /// case-insensitively) in one pass, so one replacement's output is never rewritten again by another.
    /// </summary>
    public static string Rewrite(string message, IReadOnlyDictionary<string, string> replacements)
    {
        if (replacements.Count == 0 || !message.Contains('@', StringComparison.Ordinal))
        {
            return message;
        }

        StringBuilder? result = null;
        int copied = 0;
        foreach ((int start, int length) in Mentions(message))
        {
            if (replacements.TryGetValue(message.Substring(start, length), out string? to))
            {
                result ??= new StringBuilder(message.Length + 16);
                result.Append(message, copied, start - copied).Append(to);
                copied = start + length;
            }
        }

        return result is null ? message : result.Append(message, copied, message.Length - copied).ToString();
    }

    /// <summary>The <c>@words</c> of a message: candidates for mention transforms.</summary>
    public static IEnumerable<string> FindMentions(string message) =>
        Mentions(message).Select(m => message.Substring(m.Start, m.Length));

    /// <summary>Where each mention's name (after the <c>@</c>) starts, and its length.</summary>
    private static IEnumerable<(int Start, int Length)> Mentions(string message)
    {
        for (int i = 0; i < message.Length; i++)
        {
            if (message[i] != '@' || (i > 0 && IsUsernameChar(message[i - 1])))
            {
                continue;
            }

            int start = i + 1;
            int end = start;
            while (end < message.Length && (IsUsernameChar(message[end]) || message[end] == ':'))
            {
                end++;
            }

            // A trailing '.' or ':' ends a sentence, not a username.
            while (end > start && message[end - 1] is '.' or ':')
            {
                end--;
            }

            if (end > start)
            {
                yield return (start, end - start);
                i = end - 1;
            }
        }
    }

    private static bool IsUsernameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
