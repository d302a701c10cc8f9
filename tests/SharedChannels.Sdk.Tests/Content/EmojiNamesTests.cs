using SharedChannels.Content.Internal;

namespace SharedChannels.Tests.Content;

public sealed class EmojiNamesTests
{
    [TestCase("+1")]
    [TestCase("-1")]
    [TestCase("party_parrot")]
    [TestCase("thumbs-up")]
    [TestCase("Smile2")]
    public void IsValid_MattermostEmojiName_IsTrue(string name)
    {
        Assert.That(EmojiNames.IsValid(name), Is.True);
    }

    [Test]
    public void IsValid_SixtyFourCharacters_IsTrue()
    {
        Assert.That(EmojiNames.IsValid(new string('e', 64)), Is.True);
    }

    [TestCase("../../../etc/passwd", TestName = "IsValid_PathTraversal_IsFalse")]
    [TestCase("smile\0", TestName = "IsValid_Nul_IsFalse")]
    [TestCase("smile\r\n", TestName = "IsValid_CrLf_IsFalse")]
    [TestCase(":smile:", TestName = "IsValid_Colons_IsFalse")]
    [TestCase("<img src=x>", TestName = "IsValid_Markup_IsFalse")]
    [TestCase("sm\u0456le", TestName = "IsValid_NonAsciiLetter_IsFalse")]
    [TestCase("smile\u200b", TestName = "IsValid_ZeroWidthSpace_IsFalse")]
    [TestCase("", TestName = "IsValid_Empty_IsFalse")]
    [TestCase(null, TestName = "IsValid_Null_IsFalse")]
    public void IsValid_OutsideTheAlphabet_IsFalse(string? name)
    {
        Assert.That(EmojiNames.IsValid(name), Is.False);
    }

    [Test]
    public void IsValid_SixtyFiveCharacters_IsFalse()
    {
        Assert.That(EmojiNames.IsValid(new string('e', 65)), Is.False);
    }
}
