using System.Security.Cryptography;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// Mattermost-style ids: 26 lower-case letters and digits. Channels, posts and users keep their id on every workspace,
/// so ids must be globally unique (random) and have this shape.
/// </summary>
public static class Ids
{
    private const string Alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

    /// <summary>Creates a new random id (130 random bits).</summary>
    /// <returns>The id.</returns>
    public static string NewId() => RandomNumberGenerator.GetString(Alphabet, 26);
}
