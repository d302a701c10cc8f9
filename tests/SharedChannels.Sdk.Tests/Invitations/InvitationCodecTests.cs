using System.Security.Cryptography;
using System.Text;
using SharedChannels.Invitations;

namespace SharedChannels.Tests.Invitations;

[TestFixture]
public sealed class InvitationCodecTests
{
    // WIRE-PROFILE.md, "Invitation code": test vectors produced by Mattermost's implementation.
    private const string VectorPassword = "Ultra secret password!";
    private const string VectorRemoteId = "ko8kjhd9e3dq7m3zjy4bqxfgyo";
    private const string VectorSiteUrl = "https://mm-a.example.com";
    private const string VectorToken = "u1p8mhzyzpnq7cefw9dg7k4h4r";
    private const string VectorRefreshedToken = "9q3wq1kzbjbm8rpd5fmt4n6z1c";

    private const string V3Code =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGypaWU_16cgqXNyRnr31xyk3nXpICQ3lYvMFlEas6COusyrp0B_9idsly6tcPn1gQy0No0gydWc4p2bLTX8YIkWdyknBufeXjWWvdUwzhqsGAz4IBb9V2TTEM5YGCzFTY7ZFI2IpE3M-fQ-dn7EHE-aSUTPeI9aFVoLcPx7HBarM22dQ2qCYvI8mpU21jx46BAQ4OOPXXtmZtujw8KwcOl-ZOYqG7w==";

    private const string V2Code =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG3j68Ka0bD2j6_velfA8GdJIw7J-4jL5hCAifKku02uWz5TTNdceYuhlou0IWww5iVDX0Chdyh1cVz-miLz1vBDNGqig6RD4HK2sm0DV7iV1wx6mV41WlJCX2nLKjUZLfj22m3LvSuAbXNrZhFJhEKqzgn6n0tA2ZL-n9PF0ojxlDCQVCZ9I35L11PMagwOXv7wHsPU1WfPNCamCKoEK_YLuCFgiWB9UUB699iD_67P1UvBlHyhMjKda_pje5AuWEsU1PYIo9HIHB2T-i88itQpnFYvb";

    private static readonly byte[] VectorSalt = Enumerable.Range(0x00, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] VectorNonce = Enumerable.Range(0x10, 12).Select(i => (byte)i).ToArray();

    private static Invitation V3Invitation => new()
    {
        RemoteId = VectorRemoteId,
        SiteUrl = VectorSiteUrl,
        Token = VectorToken,
        Version = 3,
    };

    private static Invitation V2Invitation => V3Invitation with
    {
        RefreshedToken = VectorRefreshedToken,
        Version = 2,
    };

    [Test]
    public void Encrypt_V3VectorWithFixedSaltAndNonce_ProducesVectorCode()
    {
        string code = InvitationCodec.Encrypt(V3Invitation, VectorPassword, VectorSalt, VectorNonce);

        Assert.That(code, Is.EqualTo(V3Code));
    }

    [Test]
    public void Encrypt_V2VectorWithFixedSaltAndNonce_ProducesVectorCode()
    {
        string code = InvitationCodec.Encrypt(V2Invitation, VectorPassword, VectorSalt, VectorNonce);

        Assert.That(code, Is.EqualTo(V2Code));
    }

    [Test]
    public void Decrypt_V3VectorCode_ReturnsVectorInvitation()
    {
        Invitation invitation = InvitationCodec.Decrypt(V3Code, VectorPassword);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(invitation.RemoteId, Is.EqualTo(VectorRemoteId));
            Assert.That(invitation.RemoteTeamId, Is.Empty);
            Assert.That(invitation.SiteUrl, Is.EqualTo(VectorSiteUrl));
            Assert.That(invitation.Token, Is.EqualTo(VectorToken));
            Assert.That(invitation.RefreshedToken, Is.Null);
            Assert.That(invitation.Version, Is.EqualTo(3));
        }
    }

    [Test]
    public void Decrypt_V2ScryptVectorCode_ReturnsVectorInvitation()
    {
        Invitation invitation = InvitationCodec.Decrypt(V2Code, VectorPassword);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(invitation.RemoteId, Is.EqualTo(VectorRemoteId));
            Assert.That(invitation.RemoteTeamId, Is.Empty);
            Assert.That(invitation.SiteUrl, Is.EqualTo(VectorSiteUrl));
            Assert.That(invitation.Token, Is.EqualTo(VectorToken));
            Assert.That(invitation.RefreshedToken, Is.EqualTo(VectorRefreshedToken));
            Assert.That(invitation.Version, Is.EqualTo(2));
        }
    }

    [TestCase(3, TestName = "EncryptDecrypt_Version3Pbkdf2_RoundTrips")]
    [TestCase(2, TestName = "EncryptDecrypt_Version2Scrypt_RoundTrips")]
    public void EncryptDecrypt_Version_RoundTrips(int version)
    {
        Invitation original = new()
        {
            RemoteId = "8fxwjr3ihtfm5bj1b5zgxmwk3a",
            SiteUrl = "http://localhost:8065/chat",
            Token = "pc6uxwh5z7gi3m1cdtb8ftx6kw",
            RefreshedToken = "x9iruqksxtbkjf8k1jt8ymzw1r",
            RemoteTeamId = "team-1",
            Version = version,
        };

        string code = InvitationCodec.Encrypt(original, "correct horse battery staple");
        Invitation decrypted = InvitationCodec.Decrypt(code, "correct horse battery staple");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(decrypted, Is.EqualTo(original));
            Assert.That(code, Does.Match("^[A-Za-z0-9_-]+={0,2}$"), "URL-safe base64 alphabet with padding");
            Assert.That(code.Length % 4, Is.Zero, "padding is kept");
        }
    }

    [TestCase("pässwörd 🔑 密码", TestName = "EncryptDecrypt_UnicodePassword_RoundTrips")]
    [TestCase("", TestName = "EncryptDecrypt_EmptyPassword_RoundTrips")]
    public void EncryptDecrypt_Password_RoundTrips(string password)
    {
        string code = InvitationCodec.Encrypt(V3Invitation, password);

        Assert.That(InvitationCodec.Decrypt(code, password), Is.EqualTo(V3Invitation));
    }

    [Test]
    public void Encrypt_SameInvitationTwice_ProducesDifferentCodes()
    {
        string first = InvitationCodec.Encrypt(V3Invitation, VectorPassword);
        string second = InvitationCodec.Encrypt(V3Invitation, VectorPassword);

        Assert.That(second, Is.Not.EqualTo(first), "salt and nonce are random per code");
    }

    [Test]
    public void Encrypt_EmptyRefreshedToken_OmitsItLikeNull()
    {
        Invitation invitation = V3Invitation with { RefreshedToken = string.Empty };

        string code = InvitationCodec.Encrypt(invitation, VectorPassword, VectorSalt, VectorNonce);

        Assert.That(code, Is.EqualTo(V3Code), "an empty refreshed token must not appear on the wire");
    }

    [TestCase("  \r\n" + V3Code + "\n\t ", TestName = "Decrypt_WhitespaceAroundCode_Succeeds")]
    [TestCase("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGypaWU_16cgqXNyRnr31xyk3nXpICQ3lYvMFlEas6COusyrp0B_9idsly6tcPn1gQy0No0gy\r\n" +
              "dWc4p2bLTX8YIkWdyknBufeXjWWvdUwzhqsGAz4IBb9V2TTEM5YGCzFTY7ZFI2IpE3M-fQ-dn7EHE-aSUTPeI9aFVoLcPx7HBarM22dQ2q\n" +
              "  CYvI8mpU21jx46BAQ4OOPXXtmZtujw8KwcOl-ZOYqG7w==", TestName = "Decrypt_LineBreaksInsideCode_Succeeds")]
    [TestCase("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGypaWU_16cgqXNyRnr31xyk3nXpICQ3lYvMFlEas6COusyrp0B_9idsly6tcPn1gQy0No0gydWc4p2bLTX8YIkWdyknBufeXjWWvdUwzhqsGAz4IBb9V2TTEM5YGCzFTY7ZFI2IpE3M-fQ-dn7EHE-aSUTPeI9aFVoLcPx7HBarM22dQ2qCYvI8mpU21jx46BAQ4OOPXXtmZtujw8KwcOl-ZOYqG7w", TestName = "Decrypt_MissingPadding_Succeeds")]
    [TestCase("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGypaWU/16cgqXNyRnr31xyk3nXpICQ3lYvMFlEas6COusyrp0B/9idsly6tcPn1gQy0No0gydWc4p2bLTX8YIkWdyknBufeXjWWvdUwzhqsGAz4IBb9V2TTEM5YGCzFTY7ZFI2IpE3M+fQ+dn7EHE+aSUTPeI9aFVoLcPx7HBarM22dQ2qCYvI8mpU21jx46BAQ4OOPXXtmZtujw8KwcOl+ZOYqG7w==", TestName = "Decrypt_StandardBase64Alphabet_Succeeds")]
    public void Decrypt_PastedVariantOfCode_Succeeds(string pasted)
    {
        Invitation invitation = InvitationCodec.Decrypt(pasted, VectorPassword);

        Assert.That(invitation, Is.EqualTo(V3Invitation));
    }

    [TestCase("", TestName = "Decrypt_EmptyString_ThrowsNotAnInvitationCode")]
    [TestCase(" \r\n\t ", TestName = "Decrypt_OnlyWhitespace_ThrowsNotAnInvitationCode")]
    [TestCase("This is not! an invitation code?", TestName = "Decrypt_NotBase64_ThrowsNotAnInvitationCode")]
    // 44 bytes: room for salt, nonce and tag but not a single byte of ciphertext.
    [TestCase("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGypaWU_16cgqXNyRnr31xyk", TestName = "Decrypt_TooShort_ThrowsNotAnInvitationCode")]
    [TestCase("AAECAwQFBgcICQoLDA0ODw==", TestName = "Decrypt_SixteenBytes_ThrowsNotAnInvitationCode")]
    [TestCase("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGypaWU_16cgqXNyRnr31xyk3nXpICQ3lYvMFlEas6COusyrp0B_9idsly6tcPn1gQy0No0gydWc4p2bLTX8YIkWdyknBufeXjWWvdUwzhqsGAz4IBb9V2TTEM5YGCzFTY7ZFI2IpE3M-fQ-dn7EHE-aSUTPeI9aFVoLcPx7HBarM22dQ2qCYvI8mpU21jx46BAQ4OOPXXtmZtujw8KwcOl-ZOYqG7", TestName = "Decrypt_OneCharacterLost_ThrowsNotAnInvitationCode")]
    public void Decrypt_TextThatIsNotACode_ThrowsNotAnInvitationCode(string text)
    {
        AssertFails(text, VectorPassword, InvitationFailureReason.NotAnInvitationCode);
    }

    [Test]
    public void Decrypt_WrongPassword_ThrowsWrongPasswordOrDamaged()
    {
        AssertFails(V3Code, "Ultra secret password?", InvitationFailureReason.WrongPasswordOrDamaged);
    }

    [Test]
    public void Decrypt_BitFlippedCiphertext_ThrowsWrongPasswordOrDamaged()
    {
        byte[] blob = Convert.FromBase64String(V3Code.Replace('-', '+').Replace('_', '/'));
        blob[16 + 12 + 5] ^= 0x01;
        string damaged = ToCode(blob);

        AssertFails(damaged, VectorPassword, InvitationFailureReason.WrongPasswordOrDamaged);
    }

    [TestCase("this is not json", TestName = "Decrypt_SealedNonJson_ThrowsInvalidContent")]
    [TestCase("null", TestName = "Decrypt_SealedJsonNull_ThrowsInvalidContent")]
    [TestCase("""{"remote_id":"ko8kjhd9e3dq7m3zjy4bqxfgyo","remote_team_id":"","site_url":"https://mm-a.example.com","version":3}""",
        TestName = "Decrypt_SealedJsonWithoutToken_ThrowsInvalidContent")]
    [TestCase("""{"remote_id":"","remote_team_id":"","site_url":"https://mm-a.example.com","token":"u1p8mhzyzpnq7cefw9dg7k4h4r","version":3}""",
        TestName = "Decrypt_SealedJsonWithoutRemoteId_ThrowsInvalidContent")]
    [TestCase("""{"remote_id":"ko8kjhd9e3dq7m3zjy4bqxfgyo","remote_team_id":"","site_url":"ftp://mm-a.example.com","token":"u1p8mhzyzpnq7cefw9dg7k4h4r","version":3}""",
        TestName = "Decrypt_SealedJsonWithNonHttpSiteUrl_ThrowsInvalidContent")]
    [TestCase("""{"remote_id":"ko8kjhd9e3dq7m3zjy4bqxfgyo","remote_team_id":"","site_url":"mm-a.example.com","token":"u1p8mhzyzpnq7cefw9dg7k4h4r","version":3}""",
        TestName = "Decrypt_SealedJsonWithRelativeSiteUrl_ThrowsInvalidContent")]
    public void Decrypt_SealedInvalidContent_ThrowsInvalidContent(string plaintext)
    {
        string code = SealWithPbkdf2(plaintext, VectorPassword);

        AssertFails(code, VectorPassword, InvitationFailureReason.InvalidContent);
    }

    [Test]
    public void Decrypt_SealedJsonWithRemoteIdOfUnusualShape_Succeeds()
    {
        // Ids are only required to be present: peers generate them and may not follow the 26-character shape.
        string code = SealWithPbkdf2(
            """{"remote_id":"Not-A-Mattermost-Id","site_url":"https://mm-a.example.com","token":"t"}""",
            VectorPassword);

        Invitation invitation = InvitationCodec.Decrypt(code, VectorPassword);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(invitation.RemoteId, Is.EqualTo("Not-A-Mattermost-Id"));
            Assert.That(invitation.RemoteTeamId, Is.Empty);
            Assert.That(invitation.Version, Is.Zero);
        }
    }

    [Test]
    public void Decrypt_NullArguments_ThrowArgumentNullException()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => InvitationCodec.Decrypt(null!, VectorPassword), Throws.ArgumentNullException);
            Assert.That(() => InvitationCodec.Decrypt(V3Code, null!), Throws.ArgumentNullException);
        }
    }

    [Test]
    public void Encrypt_NullArguments_ThrowArgumentNullException()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => InvitationCodec.Encrypt(null!, VectorPassword), Throws.ArgumentNullException);
            Assert.That(() => InvitationCodec.Encrypt(V3Invitation, null!), Throws.ArgumentNullException);
        }
    }

    [Test]
    public void Encrypt_IncompleteInvitation_ThrowsArgumentException()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => InvitationCodec.Encrypt(V3Invitation with { RemoteId = "" }, VectorPassword), Throws.ArgumentException);
            Assert.That(() => InvitationCodec.Encrypt(V3Invitation with { Token = "" }, VectorPassword), Throws.ArgumentException);
            Assert.That(() => InvitationCodec.Encrypt(V3Invitation with { SiteUrl = "" }, VectorPassword), Throws.ArgumentException);
            Assert.That(() => InvitationCodec.Encrypt(V3Invitation with { SiteUrl = "mm-a.example.com" }, VectorPassword), Throws.ArgumentException);
            Assert.That(() => InvitationCodec.Encrypt(V3Invitation with { SiteUrl = "file:///etc/passwd" }, VectorPassword), Throws.ArgumentException);
        }
    }

    [Test]
    public void Encrypt_ArgumentException_DoesNotContainToken()
    {
        var exception = Assert.Throws<ArgumentException>(
            () => InvitationCodec.Encrypt(V3Invitation with { SiteUrl = "not a url" }, VectorPassword));

        Assert.That(exception!.ToString(), Does.Not.Contain(VectorToken).And.Not.Contain(VectorPassword));
    }

    [Test]
    public void ToString_InvitationWithTokens_RedactsTokens()
    {
        string text = V2Invitation.ToString();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain(VectorToken));
            Assert.That(text, Does.Not.Contain(VectorRefreshedToken));
            Assert.That(text, Does.Contain(VectorRemoteId));
            Assert.That(text, Does.Contain(VectorSiteUrl));
        }
    }

    private static void AssertFails(string code, string password, InvitationFailureReason expected)
    {
        var exception = Assert.Throws<InvitationException>(() => InvitationCodec.Decrypt(code, password));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exception!.Reason, Is.EqualTo(expected));
            Assert.That(exception.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidInvitation));
            Assert.That(exception.IsTransient, Is.False);
            Assert.That(exception.Message, Is.Not.Empty);

            // ToString includes inner exceptions, which is what ends up in logs.
            string logged = exception.ToString();
            Assert.That(logged, Does.Not.Contain(password), "the password must not leak");
            Assert.That(logged, Does.Not.Contain(VectorToken), "the token must not leak");
            if (code.Trim().Length > 0)
            {
                Assert.That(logged, Does.Not.Contain(code.Trim()), "the code must not leak");
            }
        }
    }

    // Seals arbitrary plaintext the way a version-3 peer does, independently of the codec under test.
    private static string SealWithPbkdf2(string plaintext, string password)
    {
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password), VectorSalt, 600_000, HashAlgorithmName.SHA256, 32);
        byte[] data = Encoding.UTF8.GetBytes(plaintext);
        byte[] blob = new byte[16 + 12 + data.Length + 16];
        VectorSalt.CopyTo(blob, 0);
        VectorNonce.CopyTo(blob, 16);
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(VectorNonce, data, blob.AsSpan(28, data.Length), blob.AsSpan(28 + data.Length));
        }

        return ToCode(blob);
    }

    private static string ToCode(byte[] blob) => Convert.ToBase64String(blob).Replace('+', '-').Replace('/', '_');
}
