using System.Text;
using System.Text.Json;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using static SharedChannels.Tests.Corpus.CorpusWorld;

namespace SharedChannels.Tests.Corpus;

/// <summary>
/// Sync content a connected, authenticated peer is not allowed to send, one table row each, in both directions (a
/// remote writing to the home, the home writing to a remote). Every row must be refused item by item with a reason the
/// sender can read, change nothing on the receiver, relay nothing to the third workspace, and log no secret or body.
/// The rows of Sync/SharedChannelSyncTests.HostileRemote_* (post, edit, delete, profile, status and reaction as a home
/// user; post id hijack; item for another channel) are not repeated.
/// </summary>
[TestFixture]
public sealed class HostileSyncCorpusTests
{
    private const string Huge = "99999999999999";
    private const string AfterYear9999 = "253402300800000";

    private static readonly Dictionary<string, SyncCase> Rows = AllRows().ToDictionary(r => r.Name, StringComparer.Ordinal);

    private CorpusWorld _world = null!;

    private static IEnumerable<SyncCase> AllRows()
    {
        // Bob is already known to the home (his post was synced), so no row needs to send his profile again.
        // ---- A remote (r1) writing to the home ----
        yield return FromR1("PostAsAnotherRemotesUser", $$$""" "posts":[{{{Post("hostile00000000000000000a1", Carol)}}}]""", "post", "own users");
        yield return FromR1("ProfileOfAnotherRemotesUser", $$$""" "users":{"{{{Carol}}}":{"id":"{{{Carol}}}","username":"carol-hijacked","first_name":"Mallory"} }""", "user", "another workspace");
        yield return FromR1("EditOfAnotherRemotesPost", $$$""" "posts":[{{{Post(CarolPost, Carol, updateAt: Huge)}}}]""", "post", "own users");
        yield return FromR1("DeleteOfAnotherRemotesPost", $$$""" "posts":[{{{Post(CarolPost, Carol, updateAt: Huge, deleteAt: Huge)}}}]""", "post", "own users");
        yield return FromR1("ReactionAsAnotherRemotesUser", $$$""" "reactions":[{{{Reaction(Carol, AlicePost)}}}]""", "reaction", "own users");
        yield return FromR1("StatusOfAnotherRemotesUser", $$$""" "statuses":[{"user_id":"{{{Carol}}}","status":"dnd","manual":true,"last_activity_at":1}]""", "status", "own users");
        yield return FromR1("ReactionOnPostOfAnUnsharedChannel", $$$""" "reactions":[{{{Reaction(Bob, PrivatePost)}}}]""", "reaction", "does not exist in this channel");
        yield return FromR1("ReactionOnUnknownPost", $$$""" "reactions":[{{{Reaction(Bob, "nosuchpost0000000000000001")}}}]""", "reaction", "does not exist in this channel");
        yield return FromR1("AcknowledgementAsHomeUser", $$$""" "acknowledgements":[{"user_id":"{{{Alice}}}","post_id":"{{{AlicePost}}}","acknowledged_at":5,"channel_id":"{{{Channel}}}"}]""", "acknowledgement", "own users");
        yield return FromR1("MembershipRemovalOfHomeUser", $$$""" "membership_changes":[{"channel_id":"{{{Channel}}}","user_id":"{{{Alice}}}","is_add":false,"change_time":5}]""", "membership", "own users");
        yield return FromR1("ReplyToRootInAnotherChannel", $$$""" "posts":[{{{Post("hostile00000000000000000a2", Bob, rootId: PrivatePost)}}}]""", "post", "thread root is in another channel");
        yield return FromR1("PostIdOfAPostInAnotherChannel", $$$""" "posts":[{{{Post(PrivatePost, Bob, updateAt: Huge)}}}]""", "post", "another author or channel");
        yield return FromR1("PostWithNegativeTimes", $$$""" "posts":[{{{Post("hostile00000000000000000a3", Bob, createAt: "-5")}}}]""", "post", "invalid times");
        yield return FromR1("PostBeyondYear9999", $$$""" "posts":[{{{Post("hostile00000000000000000a4", Bob, createAt: AfterYear9999, updateAt: AfterYear9999)}}}]""", "post", "invalid times");
        yield return FromR1("PostWithMalformedId", $$$""" "posts":[{{{Post("HOSTILE/../00000000000000a5", Bob)}}}]""", "post", "missing its id");
        yield return FromR1("ReactionWithOverlongEmoji", $$$""" "reactions":[{{{Reaction(Bob, AlicePost, new string('e', 65))}}}]""", "reaction", "emoji name is not valid");
        yield return FromR1("ReactionWithPathTraversalEmoji", $$$""" "reactions":[{{{Reaction(Bob, AlicePost, "../../../etc/passwd")}}}]""", "reaction", "emoji name is not valid");
        yield return FromR1("ReactionWithNulInEmoji", $$$""" "reactions":[{{{Reaction(Bob, AlicePost, "smile\\u0000")}}}]""", "reaction", "emoji name is not valid");
        yield return FromR1("ReactionWithBidiOverrideInEmoji", $$$""" "reactions":[{{{Reaction(Bob, AlicePost, "elims\\u202e")}}}]""", "reaction", "emoji name is not valid");
        yield return FromR1("ReactionWithMarkupEmoji", $$$""" "reactions":[{{{Reaction(Bob, AlicePost, "<img src=x>")}}}]""", "reaction", "emoji name is not valid");
        yield return FromR1("UserKeyNotItsId", $$$""" "users":{"mallory0000000000000000001":{"id":"{{{Bob}}}","username":"bob"} }""", "user", "missing its id or username");
        yield return FromR1("UserWithoutUsername", $$$""" "users":{"{{{Bob}}}":{"id":"{{{Bob}}}","username":" "} }""", "user", "missing its id or username");
        yield return FromR1("DeleteOfAnnouncementInReadOnlyChannel", $$$""" "posts":[{{{Post(Announcement, Alice, ReadOnlyChannel, updateAt: Huge, deleteAt: Huge)}}}]""", "post", "read-only", ReadOnlyChannel);
        yield return FromR1("SystemMessageTypeInjected", $$$""" "posts":[{{{Post("hostile00000000000000000a6", Bob, type: "system_shared_channels", message: "This channel is no longer shared.")}}}]""", "post", "system") with
        {
        };

        // ---- The home writing to a remote (r1): it may relay its own and other remotes' users, never r1's ----
        yield return FromHome("HomePostsAsTheRemotesUser", $$$""" "posts":[{{{Post("hostile00000000000000000b1", Bob)}}}]""", "post", "own users");
        yield return FromHome("HomeEditsTheRemotesPost", $$$""" "posts":[{{{Post(BobPost, Bob, updateAt: Huge)}}}]""", "post", "own users");
        yield return FromHome("HomeRewritesTheRemotesUserProfile", $$$""" "users":{"{{{Bob}}}":{"id":"{{{Bob}}}","username":"bob-renamed","last_name":"Mallory"} }""", "user", "belongs to this workspace");
        yield return FromHome("HomeSetsTheRemotesUserStatus", $$$""" "statuses":[{"user_id":"{{{Bob}}}","status":"offline","manual":true,"last_activity_at":1}]""", "status", "own users");
        yield return FromHome("HomeRemovesTheRemotesUserFromTheChannel", $$$""" "membership_changes":[{"channel_id":"{{{Channel}}}","user_id":"{{{Bob}}}","is_add":false,"change_time":5}]""", "membership", "own users");
    }

    private static IEnumerable<TestCaseData> Cases() => Rows.Values.Select(row =>
    {
        var data = new TestCaseData(row.Name).SetName($"Sync_{row.Name}_IsRefusedItemByItem");
        return row.Bug is { } bug ? data.Ignore("bug: " + bug) : data;
    });

    [OneTimeSetUp]
    public async Task StartWorld() => _world = await StartAsync();

    [OneTimeTearDown]
    public async Task StopWorld() => await _world.DisposeAsync();

    [TestCaseSource(nameof(Cases))]
    public async Task Sync_HostileContent_IsRefusedItemByItemAndChangesNothing(string name)
    {
        SyncCase row = Rows[name];
        bool fromHome = row.Direction == "home->r1";
        TestWorkspace sender = fromHome ? _world.Home : _world.R1;
        TestWorkspace receiver = fromHome ? _world.R1 : _world.Home;
        IReadOnlyList<object> receiverBefore = await StateAsync(receiver);
        IReadOnlyList<object> thirdBefore = await StateAsync(_world.R2);
        string payload = $$"""{"id":"{{Guid.NewGuid():N}}","channel_id":"{{row.ChannelId}}",{{row.Parts}}}""";
        RemoteRequest request = await _world.AuthenticRequestAsync(sender, _world.ToR1, Frame(_world.ToR1, "sharedchannel_sync", payload));

        RemoteResponse response = await receiver.Dispatcher.DispatchAsync(request);
        await _world.SettleAsync();

        using JsonDocument reply = JsonDocument.Parse(response.Body);
        JsonElement root = reply.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(200), Encoding.UTF8.GetString(response.Body.Span));
            Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("OK"), "refused item by item, not as a whole");
            List<(string Kind, string Reason)> errors = root.TryGetProperty("payload", out JsonElement body) && body.TryGetProperty("sdk_item_errors", out JsonElement list)
                ? [.. list.EnumerateArray().Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("reason").GetString()!))]
                : [];
            Assert.That(errors, Has.Count.EqualTo(1), "exactly the hostile item is reported");
            Assert.That(errors.Select(e => e.Kind), Has.All.EqualTo(row.Kind));
            Assert.That(errors.Select(e => e.Reason), Has.All.Contain(row.Reason));
            Assert.That(await StateAsync(receiver), Is.EqualTo(receiverBefore), "the receiver's state changed");
            Assert.That(await StateAsync(_world.R2), Is.EqualTo(thirdBefore), "something was relayed to the third workspace");
            FrameCorpusTests.AssertNoSecretLogged(_world);
        }
    }

    private static SyncCase FromR1(string name, string parts, string kind, string reason, string channelId = Channel) => new(name, "r1->home", channelId, parts, kind, reason);

    private static SyncCase FromHome(string name, string parts, string kind, string reason) => new(name, "home->r1", Channel, parts, kind, reason);

    private static string Post(string id, string userId, string channelId = Channel, string createAt = "10", string updateAt = "10", string deleteAt = "0", string rootId = "", string type = "", string? message = null) =>
        $$$"""{"id":"{{{id}}}","create_at":{{{createAt}}},"update_at":{{{updateAt}}},"delete_at":{{{deleteAt}}},"user_id":"{{{userId}}}","channel_id":"{{{channelId}}}","root_id":"{{{rootId}}}","type":"{{{type}}}","message":"{{{message ?? "hostile " + BodyMarker}}}"}""";

    private static string Reaction(string userId, string postId, string emoji = "smile", string channelId = Channel) =>
        $$$"""{"user_id":"{{{userId}}}","post_id":"{{{postId}}}","emoji_name":"{{{emoji}}}","create_at":10,"update_at":10,"channel_id":"{{{channelId}}}"}""";

    /// <summary>One row of the corpus: who sends what, and the refusal expected for the one hostile item.</summary>
    private sealed record SyncCase(string Name, string Direction, string ChannelId, string Parts, string Kind, string Reason)
    {
        public string? Bug { get; init; }

        public override string ToString() => Name;
    }
}
