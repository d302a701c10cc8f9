using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace SharedChannels.Invitations;

/// <summary>
/// Derives the AES-256 key that seals an invitation code from its password, with the parameters Mattermost
/// uses: PBKDF2-HMAC-SHA256 for version 3 and later, scrypt for older invitations.
/// </summary>
internal static class InvitationKeyDerivation
{
    /// <summary>The size of the random salt at the start of every code, in bytes.</summary>
    public const int SaltSize = 16;

    /// <summary>The size of the derived key (AES-256), in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The first invitation version whose key is derived with PBKDF2.</summary>
    public const int Pbkdf2MinimumVersion = 3;

    /// <summary>PBKDF2-HMAC-SHA256 iteration count.</summary>
    public const int Pbkdf2Iterations = 600_000;

    /// <summary>scrypt CPU/memory cost parameter N.</summary>
    public const int ScryptCost = 32_768;

    /// <summary>scrypt block size parameter r.</summary>
    public const int ScryptBlockSize = 8;

    /// <summary>scrypt parallelization parameter p.</summary>
    public const int ScryptParallelism = 1;

    /// <summary>Whether an invitation of <paramref name="version"/> is sealed with a PBKDF2-derived key.</summary>
    public static bool UsesPbkdf2(int version) => version >= Pbkdf2MinimumVersion;

    /// <summary>
    /// Derives the key for an invitation of <paramref name="version"/> into <paramref name="key"/>, with
    /// <paramref name="cost"/> (<see cref="InvitationKeyDerivationCost.Mattermost"/> everywhere but in tests).
    /// </summary>
    public static void DeriveKey(int version, byte[] password, ReadOnlySpan<byte> salt, Span<byte> key, InvitationKeyDerivationCost cost)
    {
        if (UsesPbkdf2(version))
        {
            DerivePbkdf2(password, salt, key, cost);
        }
        else
        {
            DeriveScrypt(password, salt, key, cost);
        }
    }

    /// <summary>Derives a key with PBKDF2-HMAC-SHA256 (invitation version 3 and later) and Mattermost's iteration count.</summary>
    public static void DerivePbkdf2(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> key) =>
        DerivePbkdf2(password, salt, key, InvitationKeyDerivationCost.Mattermost);

    /// <summary>Derives a key with PBKDF2-HMAC-SHA256 (invitation version 3 and later).</summary>
    public static void DerivePbkdf2(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> key, InvitationKeyDerivationCost cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ValidateLengths(salt, key);
        Rfc2898DeriveBytes.Pbkdf2(password, salt, key, cost.Pbkdf2Iterations, HashAlgorithmName.SHA256);
    }

    /// <summary>Derives a key with scrypt (invitations older than version 3) and Mattermost's parameters.</summary>
    public static void DeriveScrypt(byte[] password, ReadOnlySpan<byte> salt, Span<byte> key) =>
        DeriveScrypt(password, salt, key, InvitationKeyDerivationCost.Mattermost);

    /// <summary>Derives a key with scrypt (invitations older than version 3).</summary>
    public static void DeriveScrypt(byte[] password, ReadOnlySpan<byte> salt, Span<byte> key, InvitationKeyDerivationCost cost)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(cost);
        ValidateLengths(salt, key);

        // BouncyCastle only takes and returns arrays; wipe its copy of the key once it has been moved.
        byte[] derived = SCrypt.Generate(password, salt.ToArray(), cost.ScryptCost, ScryptBlockSize, ScryptParallelism, KeySize);
        try
        {
            derived.CopyTo(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    private static void ValidateLengths(ReadOnlySpan<byte> salt, Span<byte> key)
    {
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException($"The salt must be {SaltSize} bytes long.", nameof(salt));
        }

        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key buffer must be {KeySize} bytes long.", nameof(key));
        }
    }
}
