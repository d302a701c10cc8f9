using System.Security.Cryptography;
using System.Text;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>Mattermost's ids (public/model/utils.go <c>NewId</c>): 16 random bytes in base32 with its own alphabet, 26 characters.</summary>
internal static class MattermostIds
{
    private const string Alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var text = new StringBuilder(32);
        int buffer = 0, bits = 0;
        foreach (byte b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString(0, 26);
    }
}
