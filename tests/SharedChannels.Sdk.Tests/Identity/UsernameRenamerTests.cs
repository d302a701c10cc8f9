using SharedChannels.Identity;
using SharedChannels.Identity.Internal;

namespace SharedChannels.Tests.Identity;

public sealed class UsernameRenamerTests
{
    // The examples of the wire profile, which reproduce Mattermost's naming exactly.
    [TestCase("bart", "example.com", "", 64, "bart:example.com")]
    [TestCase("bart", "example.com", "2", 64, "bart-2:example.com")]
    [TestCase("bart", "example1234567890.com", "", 24, "bart:example123456789...")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "abc", "11", 24, "AAAAAAAAAAAAAA-11...:abc")]
    public void Munge_WireProfileExamples_MatchMattermost(string username, string remote, string suffix, int max, string expected)
    {
        Assert.That(UsernameRenamer.Munge(username, remote, suffix, max), Is.EqualTo(expected));
    }

    [Test]
    public void Munge_AlreadyMungedName_KeepsItsRemotePart()
    {
        Assert.That(UsernameRenamer.Munge("bart:first-hop", "second-hop", "3", 64), Is.EqualTo("bart-3:first-hop"));
    }

    [Test]
    public void Munge_AnyLength_NeverExceedsTheMaximum()
    {
        var random = new Random(20261125);
        for (int i = 0; i < 2000; i++)
        {
            string user = new('u', random.Next(1, 100));
            string remote = new('r', random.Next(1, 100));
            string suffix = random.Next(0, 3) == 0 ? string.Empty : random.Next(2, 26).ToString(System.Globalization.CultureInfo.InvariantCulture);

            Assert.That(UsernameRenamer.Munge(user, remote, suffix, 64), Has.Length.LessThanOrEqualTo(64), $"user {user.Length}, remote {remote.Length}, suffix '{suffix}'");
        }
    }

    [Test]
    public void Candidates_SuffixOnCollision_TriesThePlainNameFirst()
    {
        string[] candidates = [.. UsernameRenamer.Candidates("john", "acme", UsernameCollisionPolicy.SuffixOnCollision).Take(3)];

        Assert.That(candidates, Is.EqualTo(new[] { "john", "john:acme", "john-2:acme" }));
    }

    [TestCase("all")]
    [TestCase("here")]
    [TestCase("Channel")]
    [TestCase("system")]
    public void Candidates_SuffixOnCollision_ReservedUsernameIsNeverGivenBare(string reserved)
    {
        string[] candidates = [.. UsernameRenamer.Candidates(reserved, "acme", UsernameCollisionPolicy.SuffixOnCollision)];

        Assert.That(candidates[0], Is.EqualTo(reserved + ":acme"));
    }

    [Test]
    public void Candidates_AlwaysSuffix_NeverTheBareName()
    {
        string[] candidates = [.. UsernameRenamer.Candidates("john", "acme", UsernameCollisionPolicy.AlwaysSuffix)];

        Assert.That(candidates[0], Is.EqualTo("john:acme"));
        Assert.That(candidates, Does.Not.Contain("john"));
        Assert.That(candidates, Has.Length.EqualTo(UsernameRenamer.MaxAttempts));
        Assert.That(candidates[^1], Is.EqualTo("john-25:acme"));
    }
}
