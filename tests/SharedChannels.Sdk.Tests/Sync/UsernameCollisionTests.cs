using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Sync;

/// <summary>Two users named "john", one on each side, under each <see cref="UsernameCollisionPolicy"/>.</summary>
public sealed class UsernameCollisionTests
{
    private const string Channel = "chan0000000000000000000000";
    private const string JohnA = "johna000000000000000000000";
    private const string JohnB = "johnb000000000000000000000";
    private const string MaryA = "marya000000000000000000000";

    private static async Task<(TestWorkspace A, TestWorkspace B)> ConnectAsync(UsernameCollisionPolicy policy)
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        TestWorkspace a = await TestWorkspace.StartAsync("a", network, time, o => o.UsernameCollisionPolicy = policy);
        TestWorkspace b = await TestWorkspace.StartAsync("b", network, time, o => o.UsernameCollisionPolicy = policy);
        string id = await a.ConnectToAsync(b, "org-b");
        a.Content.AddLocalUser(JohnA, "john");
        a.Content.AddLocalUser(MaryA, "mary");
        b.Content.AddLocalUser(JohnB, "john");
        a.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "general" });
        await a.Sharing.InviteAsync(TestWorkspace.Admin, Channel, id);
        return (a, b);
    }

    [Test]
    public async Task SuffixOnCollision_RenamesOnlyTheTakenName()
    {
        (TestWorkspace a, TestWorkspace b) = await ConnectAsync(UsernameCollisionPolicy.SuffixOnCollision);
        await using (a)
        await using (b)
        {
            a.Content.CreatePost("p1000000000000000000000000", Channel, JohnA, "from john on a");
            a.Content.CreatePost("p2000000000000000000000000", Channel, MaryA, "from mary on a");
            b.Content.CreatePost("p3000000000000000000000000", Channel, JohnB, "from john on b");
            await TestWorkspace.SettleAsync(a, b);

            using (Assert.EnterMultipleScope())
            {
                // B names the remote john after B's connection to A ("org-b-inviter" in the test helper).
                Assert.That((await b.Content.GetUserAsync(JohnA))?.Username, Is.EqualTo("john:org-b-inviter"));
                Assert.That((await b.Content.GetUserAsync(JohnA))?.RemoteUsername, Is.EqualTo("john"), "the original username is kept");
                Assert.That((await b.Content.GetUserAsync(MaryA))?.Username, Is.EqualTo("mary"), "no collision, no rename");
                Assert.That((await a.Content.GetUserAsync(JohnB))?.Username, Is.EqualTo("john:org-b"));
            }
        }
    }

    [Test]
    public async Task SuffixOnCollision_InvisibleOrLookAlikeName_IsRenamedLikeAnExactMatch()
    {
        const string MaryLookAlike = "maryzws0000000000000000000";
        const string JohnLookAlike = "johncyr0000000000000000000";
        (TestWorkspace a, TestWorkspace b) = await ConnectAsync(UsernameCollisionPolicy.SuffixOnCollision);
        await using (a)
        await using (b)
        {
            // "mary" + zero-width space, and "john" with Cyrillic ј and о: both display as A's local users' names.
            b.Content.AddLocalUser(MaryLookAlike, "mary\u200b");
            b.Content.AddLocalUser(JohnLookAlike, "\u0458\u043ehn");
            b.Content.CreatePost("p5000000000000000000000000", Channel, MaryLookAlike, "from the look-alike mary");
            b.Content.CreatePost("p6000000000000000000000000", Channel, JohnLookAlike, "from the look-alike john");
            await TestWorkspace.SettleAsync(a, b);

            ChatUser? mary = await a.Content.GetUserAsync(MaryLookAlike);
            ChatUser? john = await a.Content.GetUserAsync(JohnLookAlike);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(mary?.Username, Is.EqualTo("mary:org-b"), "a zero-width space does not make a new name");
                Assert.That(mary?.RemoteUsername, Is.EqualTo("mary"), "the kept original has no invisible character");
                Assert.That(john?.Username, Is.EqualTo("john:org-b"), "a Cyrillic look-alike collides with the Latin name");
                Assert.That(john?.RemoteUsername, Is.EqualTo("\u0458\u043ehn"), "the original spelling is kept for display");
                Assert.That((await a.Content.GetUserAsync(MaryA))?.Username, Is.EqualTo("mary"), "the local user keeps the name");
            }

            // A later update with the same name keeps the local name chosen the first time.
            b.Content.CreatePost("p7000000000000000000000000", Channel, MaryLookAlike, "again");
            await TestWorkspace.SettleAsync(a, b);
            Assert.That((await a.Content.GetUserAsync(MaryLookAlike))?.Username, Is.EqualTo("mary:org-b"));
        }
    }

    [Test]
    public async Task SuffixOnCollision_BidiOverrideAndControlCharacters_AreNotStored()
    {
        const string Evil = "evil0000000000000000000000";
        const string Crlf = "crlf0000000000000000000000";
        (TestWorkspace a, TestWorkspace b) = await ConnectAsync(UsernameCollisionPolicy.SuffixOnCollision);
        await using (a)
        await using (b)
        {
            b.Content.AddLocalUser(Evil, "evil\u202egnp.exe");
            b.Content.AddLocalUser(Crlf, "bob\r\nadmin\0");
            b.Content.CreatePost("p5000000000000000000000000", Channel, Evil, "one");
            b.Content.CreatePost("p6000000000000000000000000", Channel, Crlf, "two");
            await TestWorkspace.SettleAsync(a, b);

            ChatUser? evil = await a.Content.GetUserAsync(Evil);
            ChatUser? crlf = await a.Content.GetUserAsync(Crlf);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(evil?.Username, Is.EqualTo("evilgnp.exe"));
                Assert.That(evil?.RemoteUsername, Is.EqualTo("evilgnp.exe"));
                Assert.That(crlf?.Username, Is.EqualTo("bobadmin"));
                Assert.That(crlf?.RemoteUsername, Is.EqualTo("bobadmin"));
            }
        }
    }

    [Test]
    public async Task AlwaysSuffix_RenamesEveryRemoteUserLikeMattermost()
    {
        (TestWorkspace a, TestWorkspace b) = await ConnectAsync(UsernameCollisionPolicy.AlwaysSuffix);
        await using (a)
        await using (b)
        {
            a.Content.CreatePost("p2000000000000000000000000", Channel, MaryA, "from mary on a");
            await TestWorkspace.SettleAsync(a, b);

            Assert.That((await b.Content.GetUserAsync(MaryA))?.Username, Is.EqualTo("mary:org-b-inviter"));
        }
    }

    [Test]
    public async Task Mentions_AreRewrittenToTheLocalNames()
    {
        (TestWorkspace a, TestWorkspace b) = await ConnectAsync(UsernameCollisionPolicy.SuffixOnCollision);
        await using (a)
        await using (b)
        {
            a.Content.CreatePost("p1000000000000000000000000", Channel, JohnA, "hello");
            b.Content.CreatePost("p3000000000000000000000000", Channel, JohnB, "hello back");
            await TestWorkspace.SettleAsync(a, b);

            // On A, B's john is "john:org-b"; mentioning him there must reach B as its local "@john".
            a.Content.CreatePost("p4000000000000000000000000", Channel, MaryA, "ping @john:org-b and @john, not @johnny");
            await TestWorkspace.SettleAsync(a, b);

            Post? onB = b.Content.GetPosts(Channel).Single(p => p.Id == "p4000000000000000000000000");
            Assert.That(onB.Message, Is.EqualTo("ping @john and @john:org-b-inviter, not @johnny"));
        }
    }
}
