namespace SharedChannels.Identity.Internal;

/// <summary>What the SDK accepts as a profile image: the formats Mattermost decodes, recognised by their first bytes.</summary>
internal static class ProfileImages
{
    /// <summary>
    /// Whether <paramref name="bytes"/> start like a PNG, JPEG, GIF, BMP or WebP image. SVG and anything else are
    /// refused: a host may serve the bytes to browsers as an image.
    /// </summary>
    public static bool LooksLikeImage(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]) ||
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ||
        bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8) ||
        (bytes.Length > 14 && bytes.StartsWith("BM"u8)) ||
        (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8));
}
