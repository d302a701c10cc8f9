namespace SharedChannels.Identity.Internal;

/// <summary>
/// Chooses the local username of a remote user under a <see cref="UsernameCollisionPolicy"/>.
/// <see cref="UsernameCollisionPolicy.AlwaysSuffix"/> reproduces Mattermost's <c>user[-N]:&lt;connection&gt;</c>
/// naming, including its truncation; <see cref="UsernameCollisionPolicy.SuffixOnCollision"/> keeps the remote
/// username unless it is taken here.
/// </summary>
internal static class UsernameRenamer
{
    public const int MaxUsernameLength = 64;

    /// <summary>Mattermost tries the plain munged name, then suffixes 2..25.</summary>
    public const int MaxAttempts = 25;

    private const string Ellipsis = "...";

    /// <summary>Mattermost's restricted usernames and mention keywords: a remote user named so is always suffixed.</summary>
    private static readonly HashSet<string> ReservedUsernames = new(["all", "channel", "here", "matterbot", "system"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The candidate local usernames in the order they are tried.</summary>
    public static IEnumerable<string> Candidates(string remoteUsername, string connectionName, UsernameCollisionPolicy policy)
    {
        // A name reserved for mentions (@all, @here) or Mattermost's own users is never given as is.
        if (policy == UsernameCollisionPolicy.SuffixOnCollision && !remoteUsername.Contains(':', StringComparison.Ordinal) && !ReservedUsernames.Contains(remoteUsername))
        {
            yield return remoteUsername;
        }

        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            string suffix = attempt == 1 ? string.Empty : attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return Munge(remoteUsername, connectionName, suffix, MaxUsernameLength);
        }
    }

    /// <summary>
    /// Builds <c>user[-suffix]:remote</c> within <paramref name="maxLength"/>: the remote name may take up to half,
    /// the username the rest (plus what the remote name leaves), each truncated with "..." when too long. A name
    /// that already carries a remote part (<c>user:remote</c>, munged by another hop) keeps that remote part.
    /// </summary>
    public static string Munge(string username, string remoteName, string suffix, int maxLength)
    {
        string suffixPart = suffix.Length > 0 ? "-" + suffix : string.Empty;
        int colon = username.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            remoteName = username[(colon + 1)..].Replace(":", string.Empty, StringComparison.Ordinal);
            username = username[..colon];
        }

        int half = maxLength / 2;
        int spareFromRemote = Math.Max(half - (remoteName.Length + 1), 0);
        string userEllipsis = string.Empty;
        int userOverflow = username.Length + suffixPart.Length - (half + spareFromRemote);
        if (userOverflow > 0)
        {
            username = username[..Math.Max(username.Length - userOverflow - Ellipsis.Length, 0)];
            userEllipsis = Ellipsis;
        }

        string remoteEllipsis = string.Empty;
        int remoteOverflow = remoteName.Length + 1 - (maxLength - (username.Length + userEllipsis.Length + suffixPart.Length));
        if (remoteOverflow > 0)
        {
            remoteName = remoteName[..Math.Max(remoteName.Length - remoteOverflow - Ellipsis.Length, 0)];
            remoteEllipsis = Ellipsis;
        }

        return string.Concat(username, suffixPart, userEllipsis, ":", remoteName, remoteEllipsis);
    }
}
