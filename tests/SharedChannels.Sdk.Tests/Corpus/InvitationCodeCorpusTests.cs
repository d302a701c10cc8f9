using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Invitations;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Corpus;

/// <summary>
/// Damaged, forged and absurd invitation codes pasted into <see cref="SecureConnections.AcceptAsync"/>, one table row
/// each. Every row must fail with an <see cref="InvitationException"/> giving the right reason, leave no connection on
/// either side, log neither the code, the password nor the token, and (for the text that is not a code, 10 MB
/// included) answer at once, without running the key derivation. Invitations/InvitationCodecTests covers the codec's own rows (empty text, bad alphabet, one
/// character lost, wrong password, flipped ciphertext, sealed content without a field).
/// </summary>
[TestFixture]
public sealed class InvitationCodeCorpusTests
{
    private const string Password = "Invitation-corpus-Pa55word";
    private const int TenMegabytes = 10 * 1024 * 1024;

    /// <summary>
    /// The budget of a "fast" row, 10 MB of text included, on a loaded CI machine. The reason NotAnInvitationCode already
    /// proves no key was derived (the codec only gives it before deriving); the budget guards against slow handling of size.
    /// </summary>
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, CodeCase> Rows = AllRows().ToDictionary(r => r.Name, StringComparer.Ordinal);

    private TestWorkspace _inviter = null!;
    private TestWorkspace _invitee = null!;
    private string _code = null!;
    private ConnectionRecord _pending = null!;

    private static IEnumerable<CodeCase> AllRows()
    {
        const InvitationFailureReason NotACode = InvitationFailureReason.NotAnInvitationCode;
        const InvitationFailureReason Damaged = InvitationFailureReason.WrongPasswordOrDamaged;
        const InvitationFailureReason Invalid = InvitationFailureReason.InvalidContent;

        // ---- Text that is not a code ----
        yield return new("Empty", _ => string.Empty, Password, NotACode, MustBeFast: true);
        yield return new("CodeInQuotes", code => $"\"{code}\"", Password, NotACode, MustBeFast: true);
        yield return new("CodeAfterALabel", code => "Invitation: " + code, Password, NotACode, MustBeFast: true);
        yield return new("FirstTwentyCharacters", code => code[..20], Password, NotACode, MustBeFast: true);
        yield return new("UnicodeLookalikeCharacter", code => code[..10] + "\u2010" + code[11..], Password, NotACode, MustBeFast: true);
        yield return new("EmbeddedNul", code => code[..10] + "\0" + code[10..], Password, NotACode, MustBeFast: true);
        yield return new("TenMegabytesOfPunctuation", _ => new string('!', TenMegabytes), Password, NotACode, MustBeFast: true);
        yield return new("TenMegabytesOfWrongLength", _ => new string('A', TenMegabytes + 1), Password, NotACode, MustBeFast: true);
        yield return new("TenMegabytesOfBase64", _ => new string('A', TenMegabytes), Password, NotACode, MustBeFast: true)
        {
        };

        // ---- A code that opens with no key: wrong password, or damaged on its way ----
        yield return new("PasswordWithTrailingSpace", code => code, Password + " ", Damaged);
        yield return new("PasswordInOtherCase", code => code, Password.ToUpperInvariant(), Damaged);
        yield return new("EmptyPassword", code => code, string.Empty, Damaged);
        yield return new("LastFourCharactersLost", code => code.TrimEnd('=')[..^4], Password, Damaged);
        yield return new("BlockAppended", code => code.TrimEnd('=') + "AAAA", Password, Damaged);
        yield return new("BitFlippedInSalt", code => FlipBit(code, 3), Password, Damaged);
        yield return new("BitFlippedInNonce", code => FlipBit(code, 16 + 5), Password, Damaged);
        yield return new("BitFlippedInTag", code => FlipBit(code, -3), Password, Damaged);

        // ---- A code that opens but holds no invitation ----
        yield return new("SealedJsonArray", _ => Seal("[]"), Password, Invalid);
        yield return new("SealedJsonNestedThousandDeep", _ => Seal(new string('[', 1_000) + new string(']', 1_000)), Password, Invalid);
        yield return new("SealedSiteUrlWithJavascriptScheme", _ => Seal("""{"remote_id":"ko8kjhd9e3dq7m3zjy4bqxfgyo","remote_team_id":"","site_url":"javascript:alert(1)","token":"u1p8mhzyzpnq7cefw9dg7k4h4r","version":3}"""), Password, Invalid);
    }

    private static IEnumerable<TestCaseData> Cases() => Rows.Values.Select(row =>
    {
        var data = new TestCaseData(row.Name).SetName($"AcceptAsync_{row.Name}_ThrowsInvitationException");
        return row.Bug is { } bug ? data.Ignore("bug: " + bug) : data;
    });

    [OneTimeSetUp]
    public async Task StartWorkspaces()
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _inviter = await TestWorkspace.StartAsync("inviter", network, time);
        _invitee = await TestWorkspace.StartAsync("invitee", network, time);
        ConnectionInvitation invitation = await _inviter.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "corpus", Password = Password });
        _code = invitation.InvitationCode;
        _pending = await _inviter.RecordAsync(invitation.Connection.Id);
    }

    [OneTimeTearDown]
    public async Task StopWorkspaces()
    {
        await _inviter.DisposeAsync();
        await _invitee.DisposeAsync();
    }

    [TestCaseSource(nameof(Cases))]
    public async Task AcceptAsync_UnusableCode_ThrowsWithTheRightReasonAndLeavesNothing(string name)
    {
        CodeCase row = Rows[name];
        string code = row.Mutate(_code);
        var request = new AcceptInvitationRequest { Name = "corpus-" + name.ToLowerInvariant(), InvitationCode = code, Password = row.Password };

        var clock = Stopwatch.StartNew();
        InvitationException? exception = Assert.ThrowsAsync<InvitationException>(() => _invitee.Connections.AcceptAsync(TestWorkspace.Admin, request));
        TimeSpan elapsed = clock.Elapsed;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exception?.Reason, Is.EqualTo(row.Expected));
            Assert.That(exception?.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidInvitation));
            Assert.That(exception?.Message, Is.Not.Empty.And.Length.LessThan(400));
            if (row.MustBeFast)
            {
                Assert.That(elapsed, Is.LessThan(Fast), "refused at once, whatever the size");
            }

            Assert.That(await _invitee.Store.ListAsync(), Is.Empty, "the accepting side keeps nothing");
            Assert.That(await _inviter.RecordAsync(_pending.RemoteId), Is.EqualTo(_pending), "the inviter's pending connection is untouched");
            string logs = _inviter.Logs.AllText + _invitee.Logs.AllText + exception;
            foreach (string secret in new[] { _code, Password, _pending.Token })
            {
                Assert.That(logs, Does.Not.Contain(secret), "a secret reached a log line or the exception");
            }
        }
    }

    /// <summary>Flips one bit of the code's byte at <paramref name="index"/> (negative: from the end).</summary>
    private static string FlipBit(string code, int index)
    {
        byte[] blob = Convert.FromBase64String(code.Replace('-', '+').Replace('_', '/'));
        blob[index < 0 ? blob.Length + index : index] ^= 0x10;
        return ToCode(blob);
    }

    /// <summary>Seals any plaintext as a version 3 code under <see cref="Password"/>, with the test workspaces' cheap key derivation.</summary>
    private static string Seal(string plaintext)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(InvitationKeyDerivation.SaltSize);
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] key = new byte[InvitationKeyDerivation.KeySize];
        InvitationKeyDerivation.DeriveKey(3, Encoding.UTF8.GetBytes(Password), salt, key, InvitationKeyDerivationCost.CheapForTestsOnly);
        byte[] clear = Encoding.UTF8.GetBytes(plaintext);
        byte[] cipher = new byte[clear.Length];
        byte[] tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, clear, cipher, tag);
        }

        return ToCode([.. salt, .. nonce, .. cipher, .. tag]);
    }

    private static string ToCode(byte[] blob) => Convert.ToBase64String(blob).Replace('+', '-').Replace('/', '_');

    /// <summary>One row: how the genuine code is damaged, the password typed, and the reason expected.</summary>
    private sealed record CodeCase(string Name, Func<string, string> Mutate, string Password, InvitationFailureReason Expected, bool MustBeFast = false)
    {
        public string? Bug { get; init; }

        public override string ToString() => Name;
    }
}
