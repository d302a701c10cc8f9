namespace SharedChannels.Connections.Internal;

/// <summary>The one rule for a peer's site URL, whoever supplies it (an admin, a confirmation, an announcement).</summary>
internal static class SiteUrls
{
    /// <summary>Accepts an absolute http or https URL and returns it without trailing <c>/</c>.</summary>
    public static bool TryNormalize(string? value, out string normalized)
    {
        normalized = string.Empty;
        string trimmed = value?.Trim().TrimEnd('/') ?? string.Empty;
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out Uri? uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        normalized = trimmed;
        return true;
    }

    /// <summary>Whether two site URLs name the same site (case and trailing <c>/</c> ignored).</summary>
    public static bool Same(string? a, string? b) =>
        string.Equals(a?.TrimEnd('/'), b?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
