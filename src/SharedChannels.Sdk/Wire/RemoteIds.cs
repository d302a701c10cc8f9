using System.Security.Cryptography;

namespace SharedChannels.Wire;

/// <summary>Mattermost-style 26-character ids (base32 alphabet <c>ybndrfg8ejkmcpqxot1uwisza345h769</c>).</summary>
internal static class RemoteIds
{
    private const string Alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

    /// <summary>Creates a new random id: 16 random bytes, base32 encoded and truncated to 26 characters.</summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[26];
        int buffer = 0, bits = 0, index = 0;
        foreach (byte b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5 && index < 26)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (index < 26)
        {
            chars[index] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars);
    }

    /// <summary>
    /// Whether <paramref name="value"/> has the shape of an id: 26 lower-case ASCII letters or digits. As lenient as
    /// Mattermost's own check: peers generate ids, and only their shape is ours to enforce.
    /// </summary>
    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value)
    {
        if (value is null || value.Length != 26)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
