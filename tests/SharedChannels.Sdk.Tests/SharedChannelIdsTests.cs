namespace SharedChannels.Tests;

/// <summary>The public id helper hosts use for their own items' ids.</summary>
public sealed class SharedChannelIdsTests
{
    [Test]
    public void NewId_IsAValidIdAndNewEachTime()
    {
        string[] ids = [.. Enumerable.Range(0, 1000).Select(_ => SharedChannelIds.NewId())];

        Assert.That(ids, Has.All.Matches<string>(SharedChannelIds.IsValid));
        Assert.That(ids, Has.All.Matches<string>(id => id.All(c => "ybndrfg8ejkmcpqxot1uwisza345h769".Contains(c))), "Mattermost's alphabet");
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Length));
    }

    [TestCase("abcdefghijklmnopqrstuvwxyz", true)]
    [TestCase("0123456789abcdefghijklmnop", true)]
    [TestCase("abcdefghijklmnopqrstuvwxy", false)]
    [TestCase("abcdefghijklmnopqrstuvwxyz0", false)]
    [TestCase("ABCDEFGHIJKLMNOPQRSTUVWXYZ", false)]
    [TestCase("abcdefghijklmnopqrstuvwxy-", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void IsValid_AcceptsOnly26LowerCaseLettersOrDigits(string? value, bool valid) =>
        Assert.That(SharedChannelIds.IsValid(value), Is.EqualTo(valid));
}
