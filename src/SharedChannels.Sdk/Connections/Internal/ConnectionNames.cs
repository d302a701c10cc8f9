using System.Text.RegularExpressions;

namespace SharedChannels.Connections.Internal;

/// <summary>The rules for a secure connection's name and display name (<c>/secure-connection create --name</c>).</summary>
internal static partial class ConnectionNames
{
    private const int MaxNameLength = 64;

    /// <summary>Trims and lower-cases a connection name; refuses one that is empty, too long or has other characters.</summary>
    public static string Normalize(string? name)
    {
        string trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > MaxNameLength || !NamePattern().IsMatch(trimmed))
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.InvalidArgument,
                $"A connection name must be 1 to {MaxNameLength} characters of letters, digits, '.', '_' and '-'.");
        }

        return trimmed.ToLowerInvariant();
    }

    /// <summary>The trimmed display name, or the name when none is given.</summary>
    public static string DisplayNameOrName(string? displayName, string name) =>
        string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim();

    /// <summary>The error for a name another connection already has.</summary>
    public static SharedChannelsException NameTaken(string name) =>
        new(SharedChannelsErrorCode.AlreadyExists, $"A secure connection named '{name}' already exists. Choose another name.");

    [GeneratedRegex("^[a-zA-Z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
