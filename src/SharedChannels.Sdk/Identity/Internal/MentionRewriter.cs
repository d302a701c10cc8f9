using System.Text;

namespace SharedChannels.Identity.Internal;

/// <summary>
/// Rewrites <c>@mentions</c> in a message. Unlike Mattermost's plain replace, a mention only matches as a whole
/// word: rewriting <c>@bob</c> leaves <c>@bobby</c> and <c>@bob.smith</c> alone.
/// </summary>
internal static class MentionRewriter
{
    /// <summary>Replaces every whole-word <c>@from</c> with <c>@to</c> (case-insensitive, like usernames).</summary>
    public static string Replace(string message, string from, string to)
    {
        if (from.Length == 0 || string.Equals(from, to, StringComparison.Ordinal) || !message.Contains('@', StringComparison.Ordinal))
        {
            return message;
        }

        StringBuilder? result = null;
        int copied = 0;
        int index = 0;
        while ((index = message.IndexOf("@" + from, index, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            int end = index + 1 + from.Length;
            bool startsWord = index == 0 || !IsUsernameChar(message[index - 1]);
            bool endsWord = end == message.Length || !IsUsernameChar(message[end]) || (message[end] == '.' && (end + 1 == message.Length || !IsUsernameChar(message[end + 1])));
            if (startsWord && endsWord)
            {
                result ??= new StringBuilder(message.Length + 16);
                result.Append(message, copied, index - copied).Append('@').Append(to);
                copied = end;
            }

            index = end;
        }

        return result is null ? message : result.Append(message, copied, message.Length - copied).ToString();
    }

    /// <summary>The <c>@words</c> of a message: candidates for mention transforms.</summary>
    public static IEnumerable<string> FindMentions(string message)
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

            // A trailing '.' ends a sentence, not a username.
            while (end > start && message[end - 1] is '.' or ':')
            {
                end--;
            }

            if (end > start)
            {
                yield return message[start..end];
            }

            i = end - 1 < i ? i : end - 1;
        }
    }

    private static bool IsUsernameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
