using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SharedChannels.Wire;

namespace SharedChannels.Invitations;

/// <summary>
/// Turns an <see cref="Invitation"/> into a password-protected invitation code a person can paste into another
/// workspace, and back. Codes are compatible with Mattermost's remote-cluster invitations.
/// </summary>
/// <remarks>
/// <para>
/// A code is the invitation as compact JSON, sealed with AES-256-GCM under a key derived from the password
/// (PBKDF2-HMAC-SHA256 for version 3 and later, scrypt for older versions), and encoded as URL-safe base64.
/// </para>
/// <para>
/// Both operations deliberately take a noticeable fraction of a second: the key derivation is what makes
/// guessing the password expensive. Run them off latency-sensitive paths.
/// </para>
/// <para>Codes, passwords and tokens are secrets: never log them.</para>
/// </remarks>
public static class InvitationCodec
{
    // Generous for pasted codes with line breaks and indentation: a code itself is under 1 KB.
    private const int MaxCodeLength = 16 * 1024;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = InvitationKeyDerivation.SaltSize + NonceSize;

    // Salt, nonce and tag plus at least one byte of ciphertext; anything shorter cannot hold an invitation.
    private const int MinimumBlobSize = HeaderSize + TagSize + 1;

    /// <summary>Seals <paramref name="invitation"/> into an invitation code protected by <paramref name="password"/>.</summary>
    /// <param name="invitation">
    /// The invitation. <see cref="Invitation.RemoteId"/> and <see cref="Invitation.Token"/> must not be empty and
    /// <see cref="Invitation.SiteUrl"/> must be an absolute http or https URL. Its <see cref="Invitation.Version"/>
    /// selects the key derivation: PBKDF2 for 3 and later, scrypt for older versions.
    /// </param>
    /// <param name="password">
    /// The password the receiving person must enter. Share it separately from the code. It may be empty,
    /// though that leaves the code readable by anyone who obtains it.
    /// </param>
    /// <returns>The invitation code: URL-safe base64 with padding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="invitation"/> or <paramref name="password"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="invitation"/> is not a valid invitation.</exception>
    public static string Encrypt(Invitation invitation, string password) =>
        Encrypt(invitation, password, InvitationKeyDerivationCost.Mattermost);

    /// <summary>Seals <paramref name="invitation"/> with the key derivation <paramref name="cost"/>.</summary>
    /// <remarks>Only tests pass anything but <see cref="InvitationKeyDerivationCost.Mattermost"/>; see <see cref="InvitationKeyDerivationCost"/>.</remarks>
    internal static string Encrypt(Invitation invitation, string password, InvitationKeyDerivationCost cost)
    {
        Span<byte> salt = stackalloc byte[InvitationKeyDerivation.SaltSize];
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        return Encrypt(invitation, password, salt, nonce, cost);
    }

    /// <summary>Opens an invitation code with <paramref name="password"/>.</summary>
    /// <param name="code">
    /// The invitation code as pasted by a person. Surrounding whitespace and line breaks inside the code (added
    /// by mail clients) are ignored, missing <c>=</c> padding is tolerated, and both the URL-safe and the standard
    /// base64 alphabet are accepted.
    /// </param>
    /// <param name="password">The password the inviting person shared with the code. It may be empty.</param>
    /// <returns>The invitation the code holds.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="code"/> or <paramref name="password"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationException">
    /// The code cannot be used; <see cref="InvitationException.Reason"/> says whether the text is not a code,
    /// the password is wrong (or the code damaged), or the content is not a valid invitation.
    /// </exception>
    public static Invitation Decrypt(string code, string password) =>
        Decrypt(code, password, InvitationKeyDerivationCost.Mattermost);

    /// <summary>Opens an invitation code that was sealed with the key derivation <paramref name="cost"/>.</summary>
    /// <remarks>Only tests pass anything but <see cref="InvitationKeyDerivationCost.Mattermost"/>; see <see cref="InvitationKeyDerivationCost"/>.</remarks>
    internal static Invitation Decrypt(string code, string password, InvitationKeyDerivationCost cost)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(cost);

        // A real code is a few hundred characters; refuse anything huge before decoding it or deriving keys.
        if (code.Length > MaxCodeLength)
        {
            throw InvitationException.NotAnInvitationCode("it is far too long to be an invitation code");
        }

        byte[] blob = DecodeCode(code);
        if (blob.Length < MinimumBlobSize)
        {
            throw InvitationException.NotAnInvitationCode("it is too short, so part of it is probably missing");
        }

        ReadOnlySpan<byte> salt = blob.AsSpan(0, InvitationKeyDerivation.SaltSize);
        ReadOnlySpan<byte> nonce = blob.AsSpan(InvitationKeyDerivation.SaltSize, NonceSize);
        ReadOnlySpan<byte> ciphertext = blob.AsSpan(HeaderSize, blob.Length - HeaderSize - TagSize);
        ReadOnlySpan<byte> tag = blob.AsSpan(blob.Length - TagSize);

        byte[] passwordBytes = Encoding.UTF8.GetBytes(password);
        byte[] plaintext = new byte[ciphertext.Length];
        try
        {
            // The version lives inside the sealed JSON, so the key derivation cannot be known up front:
            // try the current one (PBKDF2) first, then the legacy one (scrypt), as Mattermost does.
            if (!TryOpen(InvitationKeyDerivation.Pbkdf2MinimumVersion, cost, passwordBytes, salt, nonce, ciphertext, tag, plaintext, out _)
                && !TryOpen(InvitationKeyDerivation.Pbkdf2MinimumVersion - 1, cost, passwordBytes, salt, nonce, ciphertext, tag, plaintext, out CryptographicException? failure))
            {
                throw InvitationException.WrongPasswordOrDamaged(failure);
            }

            return ParseInvitation(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Seals <paramref name="invitation"/> with a caller-chosen salt and nonce; for reproducible tests only.</summary>
    /// <remarks>Reusing a salt and nonce with the same password breaks AES-GCM; production code uses the public overload.</remarks>
    internal static string Encrypt(Invitation invitation, string password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> nonce) =>
        Encrypt(invitation, password, salt, nonce, InvitationKeyDerivationCost.Mattermost);

    private static string Encrypt(Invitation invitation, string password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> nonce, InvitationKeyDerivationCost cost)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(cost);
        ValidateForEncryption(invitation);
        if (salt.Length != InvitationKeyDerivation.SaltSize)
        {
            throw new ArgumentException($"The salt must be {InvitationKeyDerivation.SaltSize} bytes long.", nameof(salt));
        }

        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"The nonce must be {NonceSize} bytes long.", nameof(nonce));
        }

        var dto = new InvitationDto
        {
            RemoteId = invitation.RemoteId,
            RemoteTeamId = invitation.RemoteTeamId ?? string.Empty,
            SiteUrl = invitation.SiteUrl,
            Token = invitation.Token,

            // The wire omits an absent refreshed token; an empty string must not appear as "refreshed_token":"".
            RefreshedToken = string.IsNullOrEmpty(invitation.RefreshedToken) ? null : invitation.RefreshedToken,
            Version = invitation.Version,
        };

        byte[] plaintext = JsonSerializer.SerializeToUtf8Bytes(dto, WireJsonContext.Default.InvitationDto);
        byte[] passwordBytes = Encoding.UTF8.GetBytes(password);
        Span<byte> key = stackalloc byte[InvitationKeyDerivation.KeySize];
        try
        {
            InvitationKeyDerivation.DeriveKey(invitation.Version, passwordBytes, salt, key, cost);

            byte[] blob = new byte[HeaderSize + plaintext.Length + TagSize];
            salt.CopyTo(blob);
            nonce.CopyTo(blob.AsSpan(InvitationKeyDerivation.SaltSize));
            using (var aes = new AesGcm(key, TagSize))
            {
                aes.Encrypt(nonce, plaintext, blob.AsSpan(HeaderSize, plaintext.Length), blob.AsSpan(HeaderSize + plaintext.Length));
            }

            // Mattermost encodes with the URL-safe alphabet and keeps the '=' padding.
            return Convert.ToBase64String(blob).Replace('+', '-').Replace('/', '_');
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static void ValidateForEncryption(Invitation invitation)
    {
        if (string.IsNullOrEmpty(invitation.RemoteId))
        {
            throw new ArgumentException("The invitation has no remote id; set Invitation.RemoteId to the connection's id.", nameof(invitation));
        }

        if (string.IsNullOrEmpty(invitation.Token))
        {
            throw new ArgumentException("The invitation has no token; set Invitation.Token to the connection's secret.", nameof(invitation));
        }

        if (!IsAbsoluteHttpUrl(invitation.SiteUrl))
        {
            throw new ArgumentException(
                "The invitation's site URL is not an absolute http(s) URL; set Invitation.SiteUrl to the address other workspaces use to reach this one, e.g. https://chat.example.com.",
                nameof(invitation));
        }

        if (invitation.Version < 0)
        {
            throw new ArgumentException("The invitation's version must not be negative.", nameof(invitation));
        }
    }

    private static bool IsAbsoluteHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host);

    /// <summary>Decodes a pasted code leniently: whitespace, either base64 alphabet, with or without padding.</summary>
    private static byte[] DecodeCode(string code)
    {
        var normalized = new StringBuilder(code.Length + 2);
        foreach (char c in code)
        {
            if (!char.IsWhiteSpace(c))
            {
                normalized.Append(c switch
                {
                    '-' => '+',
                    '_' => '/',
                    _ => c,
                });
            }
        }

        int length = normalized.Length;
        while (length > 0 && normalized[length - 1] == '=')
        {
            length--;
        }

        if (length == 0)
        {
            throw InvitationException.NotAnInvitationCode("it is empty");
        }

        normalized.Length = length;
        switch (length % 4)
        {
            case 1:
                // No base64 text has this length: a character was lost or added.
                throw InvitationException.NotAnInvitationCode("its length is wrong, so part of it is probably missing");
            case 2:
                normalized.Append("==");
                break;
            case 3:
                normalized.Append('=');
                break;
        }

        byte[] buffer = new byte[normalized.Length / 4 * 3];
        if (!Convert.TryFromBase64String(normalized.ToString(), buffer, out int written))
        {
            throw InvitationException.NotAnInvitationCode("it contains characters that never appear in an invitation code");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    private static bool TryOpen(
        int version,
        InvitationKeyDerivationCost cost,
        byte[] password,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out CryptographicException? failure)
    {
        Span<byte> key = stackalloc byte[InvitationKeyDerivation.KeySize];
        try
        {
            InvitationKeyDerivation.DeriveKey(version, password, salt, key, cost);
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
            failure = null;
            return true;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            failure = exception;
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static Invitation ParseInvitation(ReadOnlySpan<byte> json)
    {
        InvitationDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, WireJsonContext.Default.InvitationDto);
        }
        catch (JsonException)
        {
            // The JsonException is not attached: its message can quote the decrypted text, which holds the token.
            throw InvitationException.InvalidContent("the content is not a JSON invitation object");
        }

        if (dto is null)
        {
            throw InvitationException.InvalidContent("the content is not a JSON invitation object");
        }

        // Ids are only required to be present: Mattermost peers generate them, and being strict about their shape
        // here would reject invitations the peer itself accepts.
        if (string.IsNullOrEmpty(dto.RemoteId))
        {
            throw InvitationException.InvalidContent("the remote id is missing");
        }

        if (string.IsNullOrEmpty(dto.Token))
        {
            throw InvitationException.InvalidContent("the token is missing");
        }

        if (string.IsNullOrEmpty(dto.SiteUrl))
        {
            throw InvitationException.InvalidContent("the site URL is missing");
        }

        if (!IsAbsoluteHttpUrl(dto.SiteUrl))
        {
            throw InvitationException.InvalidContent("the site URL is not an absolute http(s) URL");
        }

        return new Invitation
        {
            RemoteId = dto.RemoteId,
            SiteUrl = dto.SiteUrl,
            Token = dto.Token,
            RefreshedToken = string.IsNullOrEmpty(dto.RefreshedToken) ? null : dto.RefreshedToken,
            RemoteTeamId = dto.RemoteTeamId ?? string.Empty,
            Version = dto.Version,
        };
    }
}
