using SharedChannels.Identity.Internal;

namespace SharedChannels.Tests.Identity;

public sealed class UsernameSanitizerTests
{
    private const string UserId = "mallory0000000000000000001";

    [TestCase("alice\u200b", "alice", TestName = "CleanRemoteUsername_ZeroWidthSpace_IsRemoved")]
    [TestCase("al\u200dice\ufeff", "alice", TestName = "CleanRemoteUsername_ZeroWidthJoinerAndBom_AreRemoved")]
    [TestCase("evil\u202egnp.exe", "evilgnp.exe", TestName = "CleanRemoteUsername_BidiOverride_IsRemoved")]
    [TestCase("a\u2066b\u2069c\u200fd", "abcd", TestName = "CleanRemoteUsername_BidiIsolatesAndMarks_AreRemoved")]
    [TestCase("bob\r\nInjected: yes", "bobInjected: yes", TestName = "CleanRemoteUsername_CrLf_IsRemoved")]
    [TestCase("bob\0root\t", "bobroot", TestName = "CleanRemoteUsername_NulAndTab_AreRemoved")]
    [TestCase("carol\u3164\ufe0f\u034f", "carol", TestName = "CleanRemoteUsername_HangulFillerVariationSelectorAndCgj_AreRemoved")]
    [TestCase("dave\U000E0041\U000E0042", "dave", TestName = "CleanRemoteUsername_TagCharacters_AreRemoved")]
    [TestCase("  frank  ", "frank", TestName = "CleanRemoteUsername_SurroundingSpace_IsTrimmed")]
    [TestCase("José Müller", "José Müller", TestName = "CleanRemoteUsername_VisibleNonAsciiName_IsKept")]
    [TestCase("张伟", "张伟", TestName = "CleanRemoteUsername_CjkName_IsKept")]
    public void CleanRemoteUsername_Cases(string raw, string expected)
    {
        Assert.That(UsernameSanitizer.CleanRemoteUsername(raw), Is.EqualTo(expected));
    }

    [Test]
    public void CleanRemoteUsername_LoneSurrogate_IsRemoved()
    {
        // Built at run time: an attribute argument cannot carry ill-formed UTF-16.
        string raw = "eve" + (char)0xD800 + "x" + (char)0xDC00;

        Assert.That(UsernameSanitizer.CleanRemoteUsername(raw), Is.EqualTo("evex"));
    }

    [TestCase("\u200b\u202e\u2066")]
    [TestCase("\r\n\0")]
    [TestCase("")]
    [TestCase(null)]
    public void CleanRemoteUsername_NothingVisible_IsNull(string? raw)
    {
        Assert.That(UsernameSanitizer.CleanRemoteUsername(raw), Is.Null);
    }

    [TestCase("alice", "alice", TestName = "ToLocalUsername_PlainName_IsUnchanged")]
    [TestCase("john.smith-2_x", "john.smith-2_x", TestName = "ToLocalUsername_MattermostPunctuation_IsKept")]
    [TestCase("bart:first-hop", "bart:first-hop", TestName = "ToLocalUsername_AlreadyMungedName_KeepsItsColon")]
    [TestCase("Alice", "alice", TestName = "ToLocalUsername_UpperCase_IsFolded")]
    [TestCase("alice\u200b", "alice", TestName = "ToLocalUsername_ZeroWidthSpace_GivesTheExactName")]
    [TestCase("evil\u202egnp.exe", "evilgnp.exe", TestName = "ToLocalUsername_BidiOverride_IsRemoved")]
    [TestCase("bob\r\nroot", "bobroot", TestName = "ToLocalUsername_CrLf_IsRemoved")]
    [TestCase("bob\0", "bob", TestName = "ToLocalUsername_Nul_IsRemoved")]
    [TestCase("\uff41\uff4c\uff49\uff43\uff45", "alice", TestName = "ToLocalUsername_FullwidthLetters_AreFolded")]
    [TestCase("\U0001D41A\U0001D425\U0001D422\U0001D41C\U0001D41E", "alice", TestName = "ToLocalUsername_MathematicalBoldLetters_AreFolded")]
    [TestCase("\u0430lic\u0435", "alice", TestName = "ToLocalUsername_CyrillicLookAlikes_AreMappedToLatin")]
    [TestCase("\u0410LICE", "alice", TestName = "ToLocalUsername_UpperCaseCyrillicLookAlike_IsMappedToLatin")]
    [TestCase("\u0455\u0441\u043e\u0442\u0442", "scott", TestName = "ToLocalUsername_AllCyrillicName_IsMappedToLatin")]
    [TestCase("\u03bf\u03b9\u03bd\u03b1", "oiva", TestName = "ToLocalUsername_GreekLookAlikes_AreMappedToLatin")]
    [TestCase("\u039a\u0391\u03a4\u0395", "kate", TestName = "ToLocalUsername_UpperCaseGreekLookAlikes_AreMappedToLatin")]
    [TestCase("a\u0301lice\u0300\u0300\u0300", "alice", TestName = "ToLocalUsername_CombiningMarks_AreDropped")]
    [TestCase("jos\u00e9", "jose", TestName = "ToLocalUsername_PrecomposedAccent_IsDropped")]
    [TestCase("\u0451lka", "elka", TestName = "ToLocalUsername_AccentedCyrillicLookAlike_IsMappedToLatin")]
    [TestCase("john smith", "john-smith", TestName = "ToLocalUsername_Space_BecomesHyphen")]
    [TestCase("bob@evil/../x", "bobevil..x", TestName = "ToLocalUsername_OtherPunctuation_IsDropped")]
    [TestCase("bob\u5f20", "bob", TestName = "ToLocalUsername_MixedScript_KeepsItsLatinPart")]
    public void ToLocalUsername_Cases(string raw, string expected)
    {
        Assert.That(UsernameSanitizer.ToLocalUsername(raw, UserId), Is.EqualTo(expected));
    }

    [TestCase("\u200b\u202e", TestName = "ToLocalUsername_OnlyInvisible_FallsBackToTheId")]
    [TestCase("\u5f20\u4f1f", TestName = "ToLocalUsername_NoLatinSkeleton_FallsBackToTheId")]
    [TestCase("._-", TestName = "ToLocalUsername_OnlyPunctuation_FallsBackToTheId")]
    [TestCase(null, TestName = "ToLocalUsername_Null_FallsBackToTheId")]
    public void ToLocalUsername_EmptyAfterSanitizing_FallsBackToTheId(string? raw)
    {
        Assert.That(UsernameSanitizer.ToLocalUsername(raw, UserId), Is.EqualTo(UsernameSanitizer.FallbackPrefix + UserId));
    }

    [Test]
    public void ToLocalUsername_AnyInput_IsInMattermostsAlphabetAndLength()
    {
        var random = new Random(20261125);
        for (int i = 0; i < 2000; i++)
        {
            char[] chars = new char[random.Next(0, 200)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 0x3000);
            }

            string local = UsernameSanitizer.ToLocalUsername(new string(chars), UserId);

            Assert.That(local, Does.Match("^[a-z0-9._:-]{1,64}$").And.Match("[a-z0-9]"));
        }
    }
}
