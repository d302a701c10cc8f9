using SharedChannels.Identity.Internal;

namespace SharedChannels.Tests.Identity;

public sealed class MentionRewriterTests
{
    [TestCase("hi @bob", "bob", "bob:acme", "hi @bob:acme")]
    [TestCase("@bob, and @bobby too", "bob", "bob:acme", "@bob:acme, and @bobby too")]
    [TestCase("ask @bob.", "bob", "bob:acme", "ask @bob:acme.")]
    [TestCase("@bob.smith is not @bob", "bob", "bob:acme", "@bob.smith is not @bob:acme")]
    [TestCase("mail bob@bob.com", "bob", "bob:acme", "mail bob@bob.com")]
    [TestCase("@BOB shouts", "bob", "bob:acme", "@bob:acme shouts")]
    [TestCase("@bob:acme back home", "bob:acme", "bob", "@bob back home")]
    [TestCase("no mention here", "bob", "x", "no mention here")]
    public void Replace_OnlyWholeWordMentions(string message, string from, string to, string expected)
    {
        Assert.That(MentionRewriter.Replace(message, from, to), Is.EqualTo(expected));
    }

    [Test]
    public void FindMentions_ReturnsTheMentionedNames()
    {
        Assert.That(MentionRewriter.FindMentions("hey @alice and @bob:acme, mail x@y.com, end @carol."), Is.EqualTo(new[] { "alice", "bob:acme", "carol" }));
    }
}
