using System.Globalization;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>Readable 26-character ids (lower-case letters and digits, as the wire requires) for the chaos run.</summary>
internal static class ChaosIds
{
    public static string Make(string prefix, long number)
    {
        string digits = number.ToString(CultureInfo.InvariantCulture);
        string letters = new([.. prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        letters = letters.Length > 26 - digits.Length ? letters[..(26 - digits.Length)] : letters;
        return letters + digits.PadLeft(26 - letters.Length, '0');
    }
}
