using System.Text;
using System.Text.Json;
using SharedChannels.Storage;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;

namespace SharedChannels.Tests.Corpus;

/// <summary>
/// Hostile and broken requests to the home's dispatcher, one table row each. Every row must get a clear refusal
/// (status, and a short printable reason where the body is a reply), change nothing, never throw, and leave every
/// token, password, invitation code and message body out of the logs. Rows already covered one by one in
/// Transport/RemoteFrameDispatcherTests and Transport/FrameSignatureTests are not repeated.
/// </summary>
[TestFixture]
public sealed class FrameCorpusTests
{
    private CorpusWorld _world = null!;

    [OneTimeSetUp]
    public async Task StartWorld() => _world = await CorpusWorld.StartAsync();

    [OneTimeTearDown]
    public async Task StopWorld() => await _world.DisposeAsync();

    private static IEnumerable<TestCaseData> Cases() => Rows.Values.Select(row =>
    {
        var data = new TestCaseData(row.Name).SetName($"DispatchAsync_{row.Name}_IsRefused");
        return row.Bug is { } bug ? data.Ignore("bug: " + bug) : data;
    });

    private static readonly Dictionary<string, FrameCase> Rows = AllRows().ToDictionary(r => r.Name, StringComparer.Ordinal);

    private static IEnumerable<FrameCase> AllRows()
    {
        // ---- Bodies that are not frames (authentic credentials and signature) ----
        yield return Row("EmptyBody", w => Authentic(w, string.Empty), 400);
        yield return Row("WhitespaceBody", w => Authentic(w, " \r\n\t "), 400);
        yield return Row("JsonNull", w => Authentic(w, "null"), 400);
        yield return Row("JsonString", w => Authentic(w, "\"a frame\""), 400);
        yield return Row("InvalidUtf8", w => Authentic(w, [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 400);
        yield return Row("NulBytes", w => Authentic(w, [0x00, 0x00, 0x00, 0x00]), 400);
        yield return Row("TruncatedSyncFrame", w => Authentic(w, SyncFrame(w, PostJson(CorpusWorld.Bob, $"cut {CorpusWorld.BodyMarker}"))[..60]), 400);
        yield return Row("PayloadNestedTenThousandDeep", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "sharedchannel_sync", new string('[', 10_000) + new string(']', 10_000))), 400);
        yield return Row("MsgIsAnArray", w => Authentic(w, $$"""{"remote_id":"{{w.ToR1}}","msg":[1,2]}"""), 400);
        yield return Row("MsgIdIsANumber", w => Authentic(w, $$"""{"remote_id":"{{w.ToR1}}","msg":{"id":12,"topic":"sharedchannel_sync","create_at":1,"payload":{} } }"""), 400);
        yield return Row("CreateAtIsAString", w => Authentic(w, $$"""{"remote_id":"{{w.ToR1}}","msg":{"id":"a","topic":"sharedchannel_sync","create_at":"yesterday","payload":{} } }"""), 400);
        yield return Row("CreateAtBeyondInt64", w => Authentic(w, $$"""{"remote_id":"{{w.ToR1}}","msg":{"id":"a","topic":"sharedchannel_sync","create_at":1e400,"payload":{} } }"""), 400);
        yield return Row("PayloadNull", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "sharedchannel_sync", "null")), 400);
        yield return Row("FrameRemoteIdOfAnotherConnection", w => Authentic(w, CorpusWorld.Frame(w.ToR2, "sharedchannel_sync", $$"""{"channel_id":"{{CorpusWorld.Channel}}"}""")), 400);
        yield return Row("UnknownTopicTenKilobytesLong", w => Authentic(w, CorpusWorld.Frame(w.ToR1, new string('t', 10_240), "{}")), 400, "unknown topic");
        yield return Row("TopicWithControlCharacters", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "ping\\u0000\\r\\nX-Injected: 1", "{}")), 400, "unknown topic") with
        {
        };

        // ---- Credentials ----
        yield return Row("ConnectionIdWithUpperCase", async w => (await Authentic(w, Ping(w))).With(remoteId: w.ToR1.ToUpperInvariant()), 401);
        yield return Row("TokenOfAnotherConnection", async w => (await Authentic(w, Ping(w))).With(token: (await w.R2.RecordAsync(w.ToR2)).RemoteToken), 401);
        yield return Row("HomesOwnTokenReflected", async w => (await Authentic(w, Ping(w))).With(token: (await w.Home.RecordAsync(w.ToR1)).RemoteToken), 401);
        yield return Row("TokenWithTrailingSpace", async w => (await Authentic(w, Ping(w))).With(token: (await w.R1.RecordAsync(w.ToR1)).RemoteToken + " "), 401);
        yield return Row("TokenOfDeletedConnection", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.Deleted.RemoteId, w.Deleted.Token, Confirm(w.Deleted.RemoteId, "https://evil.test"))), 401);
        yield return Row("InvitationTokenOnPing", w => Task.FromResult(Unsigned(RemoteEndpoint.Ping, w.FreshPending.RemoteId, w.FreshPending.Token, CorpusWorld.Frame(w.FreshPending.RemoteId, "ping", """{"sent_at":1}"""))), 401);

        // ---- Signatures between SDK hosts ----
        yield return Row("SignatureWithoutTimestamp", async w => (await Authentic(w, Ping(w))).With(signatureTimestamp: null, clearTimestamp: true), 401);
        yield return Row("SignatureNotBase64", async w => (await Authentic(w, Ping(w))).With(signature: "not base64 at all!"), 401);
        yield return Row("SignatureSixtyFourKilobytes", async w => (await Authentic(w, Ping(w))).With(signature: new string('A', 65_536)), 401);
        yield return Row("SignatureWithAnotherConnectionsKey", async w =>
        {
            RemoteRequest request = await Authentic(w, Ping(w));
            string otherToken = (await w.R2.RecordAsync(w.ToR2)).RemoteToken!;
            return request.With(signature: FrameSignature.Sign(otherToken, request.SignatureTimestamp!.Value, request.Endpoint, request.Body.Span));
        }, 401);
        yield return Row("SignatureTimestampAtTheOverflowPoint", async w =>
        {
            // now - timestamp overflows to long.MinValue, whose absolute value does not exist.
            RemoteRequest request = await Authentic(w, Ping(w));
            long timestamp = unchecked(w.Time.GetUtcNow().ToUnixTimeMilliseconds() - long.MinValue);
            string token = (await w.R1.RecordAsync(w.ToR1)).RemoteToken!;
            return request.With(signatureTimestamp: timestamp, signature: FrameSignature.Sign(token, timestamp, request.Endpoint, request.Body.Span));
        }, 401) with
        {
        };

        // ---- Invitation confirmations ----
        yield return Row("ConfirmAfterExpiry", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.ExpiredPending.RemoteId, w.ExpiredPending.Token, Confirm(w.ExpiredPending.RemoteId, "https://late.test"))), 400, "expired");
        yield return Row("ConfirmFrameRemoteIdOfAnotherConnection", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.FreshPending.RemoteId, w.FreshPending.Token, Confirm(w.FreshPending.RemoteId, "https://evil.test", frameRemoteId: w.ExpiredPending.RemoteId))), 400);
        yield return Row("ConfirmWithJavascriptSiteUrl", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.FreshPending.RemoteId, w.FreshPending.Token, Confirm(w.FreshPending.RemoteId, "javascript:alert(1)"))), 400, "site URL");
        yield return Row("ConfirmWithoutToken", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.FreshPending.RemoteId, w.FreshPending.Token, CorpusWorld.Frame(w.FreshPending.RemoteId, "invitation", $$"""{"remote_id":"{{w.FreshPending.RemoteId}}","site_url":"https://b.test","token":"","version":3}"""))), 400, "token");
        yield return Row("ConfirmWithoutRefreshedToken", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.FreshPending.RemoteId, w.FreshPending.Token, CorpusWorld.Frame(w.FreshPending.RemoteId, "invitation", $$"""{"remote_id":"{{w.FreshPending.RemoteId}}","remote_team_id":"","site_url":"https://b.test","token":"t2t2t2t2t2t2t2t2t2t2t2t2t2","version":3}"""))), 400, "refreshed_token");
        yield return Row("ConfirmWithRefreshedTokenEqualToTheInvitationToken", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.FreshPending.RemoteId, w.FreshPending.Token, CorpusWorld.Frame(w.FreshPending.RemoteId, "invitation", $$"""{"remote_id":"{{w.FreshPending.RemoteId}}","remote_team_id":"","site_url":"https://b.test","token":"t2t2t2t2t2t2t2t2t2t2t2t2t2","refreshed_token":"{{w.FreshPending.Token}}","version":3}"""))), 400, "refreshed_token");
        yield return Row("ConfirmPayloadIsAnArray", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.FreshPending.RemoteId, w.FreshPending.Token, CorpusWorld.Frame(w.FreshPending.RemoteId, "invitation", "[1]"))), 400);
        yield return Row("OtherTopicOnConfirmEndpoint", w => Task.FromResult(Unsigned(RemoteEndpoint.ConfirmInvitation, w.FreshPending.RemoteId, w.FreshPending.Token, CorpusWorld.Frame(w.FreshPending.RemoteId, "sdk_connection_removed", $$"""{"remote_id":"{{w.FreshPending.RemoteId}}"}"""))), 400, "invitation topic");

        // ---- Sharing topics from an authenticated peer ----
        yield return Row("InviteForTheHomesOwnChannel", w => Authentic(w, Invite(w, CorpusWorld.Channel, "O")), 200, "already shared here from another home");
        yield return Row("InviteForAnUnsharedLocalChannel", w => Authentic(w, Invite(w, CorpusWorld.PrivateChannel, "P")), 200, "already exists here");
        yield return Row("InviteWithUnknownChannelType", w => Authentic(w, Invite(w, "newchannel0000000000000001", "X")), 200, "channel type");
        yield return Row("InviteForDirectMessageWithoutTheFlag", w => Authentic(w, Invite(w, "newchannel0000000000000002", "D")), 200, "direct and group messages");
        yield return Row("InviteWithInvalidChannelId", w => Authentic(w, Invite(w, "../../etc/passwd", "O")), 200, "channel_id");
        yield return Row("UnshareNamingAnotherConnection", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "sharedchannel_unshare", $$"""{"channel_id":"{{CorpusWorld.Channel}}","remote_id":"{{w.ToR2}}"}""")), 200, "another connection");
        yield return Row("UnshareOfAChannelNeverShared", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "sharedchannel_unshare", $$"""{"channel_id":"{{CorpusWorld.PrivateChannel}}"}""")), 200, "no longer shared");
        yield return Row("RemovalNoticeNamingAnotherConnection", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "sdk_connection_removed", $$"""{"remote_id":"{{w.ToR2}}"}""")), 200, "different connection");

        // ---- Sync frames refused as a whole ----
        yield return Row("SyncPayloadIsAnArray", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "sharedchannel_sync", "[]")), 200, "channel_id");
        yield return Row("SyncWithoutChannelId", w => Authentic(w, CorpusWorld.Frame(w.ToR1, "sharedchannel_sync", $$"""{"posts":[{{PostJson(CorpusWorld.Bob, CorpusWorld.BodyMarker)}}]}""")), 200, "channel_id");
        yield return Row("SyncForAChannelNeverShared", w => Authentic(w, SyncFrame(w, PostJson(CorpusWorld.Bob, $"leak {CorpusWorld.BodyMarker}", CorpusWorld.PrivateChannel), CorpusWorld.PrivateChannel)), 200, "no longer shared");
        yield return Row("SyncFromR2ForTheReadOnlyChannelItIsNotIn", w => AuthenticFrom(w, w.R2, w.ToR2, CorpusWorld.Frame(w.ToR2, "sharedchannel_sync", $$"""{"channel_id":"{{CorpusWorld.ReadOnlyChannel}}","posts":[{{PostJson(CorpusWorld.Carol, CorpusWorld.BodyMarker, CorpusWorld.ReadOnlyChannel)}}]}""")), 200, "no longer shared");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task DispatchAsync_HostileOrBrokenRequest_IsRefusedClearlyAndChangesNothing(string name)
    {
        FrameCase row = Rows[name];
        IReadOnlyList<object> before = await CorpusWorld.StateAsync(_world.Home);
        RemoteRequest request = await row.Build(_world);

        RemoteResponse response = await _world.Home.Dispatcher.DispatchAsync(request);
        await _world.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(row.Status), Describe(response));
            ReplyShape reply = ReplyShape.Read(response);
            Assert.That(reply.Status, Is.EqualTo("FAIL"), "every refusal is a FAIL reply: " + Describe(response));
            Assert.That(reply.Err, Is.Not.Empty.And.Length.LessThanOrEqualTo(300), "the reason is short");
            Assert.That(reply.Err.Any(char.IsControl), Is.False, "the reason is printable");
            if (row.Reason is { } reason)
            {
                Assert.That(reply.Err, Does.Contain(reason).IgnoreCase);
            }

            Assert.That(await CorpusWorld.StateAsync(_world.Home), Is.EqualTo(before), "the home's state changed");
            AssertNoSecretLogged(_world);
        }
    }

    [Test]
    public async Task DispatchAsync_SignedSyncFrameReplayedVerbatim_IsRefusedAndAppliedOnce()
    {
        string postId = "replaypost0000000000000001";
        RemoteRequest request = await Authentic(_world, SyncFrame(_world, PostJson(CorpusWorld.Bob, $"once {CorpusWorld.BodyMarker}", id: postId)));

        RemoteResponse first = await _world.Home.Dispatcher.DispatchAsync(request);
        await _world.SettleAsync();
        IReadOnlyList<object> afterFirst = await CorpusWorld.StateAsync(_world.Home);
        RemoteResponse replay = await _world.Home.Dispatcher.DispatchAsync(request);
        await _world.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ReplyShape.Read(first).Status, Is.EqualTo("OK"));
            Assert.That(_world.Home.Content.GetPosts(CorpusWorld.Channel).Count(p => p.Id == postId), Is.EqualTo(1));
            Assert.That(replay.StatusCode, Is.EqualTo(401));
            Assert.That(ReplyShape.Read(replay).Err, Does.Contain("replayed"));
            Assert.That(await CorpusWorld.StateAsync(_world.Home), Is.EqualTo(afterFirst));
            AssertNoSecretLogged(_world);
        }
    }

    [TestCase("posts", "[null]")]
    [TestCase("reactions", "[null]")]
    [TestCase("acknowledgements", "[null]")]
    [TestCase("statuses", "[null]")]
    [TestCase("membership_changes", "[null]")]
    [TestCase("users", "{\"" + CorpusWorld.Bob + "\":null}")]
    [TestCase("mention_transforms", "{\"bob\":null}")]
    public async Task DispatchAsync_SyncWithNullItem_IsRefusedWithoutInternalError(string part, string value)
    {
        // A valid post by Bob comes first (except in the posts row), so the null item is not the only thing in the frame.
        string postId = ("nullitem" + part.Replace("_", string.Empty, StringComparison.Ordinal)).PadRight(26, '0')[..26];
        string validPost = part == "posts" ? string.Empty : $"\"posts\":[{PostJson(CorpusWorld.Bob, "with a null " + part, id: postId)}],";
        string payload = $$"""{"channel_id":"{{CorpusWorld.Channel}}",{{validPost}}"{{part}}":{{value}}}""";
        RemoteRequest request = await Authentic(_world, CorpusWorld.Frame(_world.ToR1, "sharedchannel_sync", payload));

        RemoteResponse response = await _world.Home.Dispatcher.DispatchAsync(request);
        await _world.SettleAsync();

        Assert.That(response.StatusCode, Is.EqualTo(200), Describe(response));
        Assert.That(ReplyShape.Read(response).Err, Does.Not.Contain("internal error"));
    }

    internal static void AssertNoSecretLogged(CorpusWorld world)
    {
        // Ordinal: a secret is logged verbatim, and NUnit's default (culture-aware) search is slow over a long fuzz's logs.
        string logs = world.AllLogs;
        foreach (string secret in world.Secrets)
        {
            Assert.That(logs.Contains(secret, StringComparison.Ordinal), Is.False, "a secret reached a log line");
        }

        Assert.That(logs.Contains(CorpusWorld.BodyMarker, StringComparison.Ordinal), Is.False, "a message body reached a log line");
    }

    private static string Describe(RemoteResponse response) => $"{response.StatusCode} {Encoding.UTF8.GetString(response.Body.Span)}";

    private static FrameCase Row(string name, Func<CorpusWorld, Task<RemoteRequest>> build, int status, string? reason = null) => new(name, build, status, reason);

    private static Task<RemoteRequest> Authentic(CorpusWorld world, string body) => world.AuthenticRequestAsync(world.R1, world.ToR1, body);

    private static Task<RemoteRequest> AuthenticFrom(CorpusWorld world, TestWorkspace from, string connectionId, string body) => world.AuthenticRequestAsync(from, connectionId, body);

    private static async Task<RemoteRequest> Authentic(CorpusWorld world, byte[] body)
    {
        RemoteRequest request = await world.AuthenticRequestAsync(world.R1, world.ToR1, string.Empty);
        return new RemoteRequest { Endpoint = request.Endpoint, RemoteId = request.RemoteId, Token = request.Token, Body = body }.Signed(world.Time);
    }

    private static RemoteRequest Unsigned(RemoteEndpoint endpoint, string remoteId, string token, string body) =>
        new() { Endpoint = endpoint, RemoteId = remoteId, Token = token, Body = Encoding.UTF8.GetBytes(body) };

    private static string Ping(CorpusWorld world) => CorpusWorld.Frame(world.ToR1, "ping", """{"sent_at":1}""");

    private static string Confirm(string remoteId, string siteUrl, string? frameRemoteId = null) =>
        CorpusWorld.Frame(frameRemoteId ?? remoteId, "invitation", $$"""{"remote_id":"{{remoteId}}","remote_team_id":"","site_url":"{{siteUrl}}","token":"t2t2t2t2t2t2t2t2t2t2t2t2t2","refreshed_token":"t3t3t3t3t3t3t3t3t3t3t3t3t3","version":3,"sdk_features":["signed-frames"]}""");

    private static string Invite(CorpusWorld world, string channelId, string type) =>
        CorpusWorld.Frame(world.ToR1, "sharedchannel_invite", $$"""{"channel_id":"{{channelId}}","team_id":"t","read_only":false,"name":"hijack","display_name":"Hijack","type":"{{type}}","creator_id":"{{CorpusWorld.Bob}}"}""");

    internal static string SyncFrame(CorpusWorld world, string postJson, string channelId = CorpusWorld.Channel) =>
        CorpusWorld.Frame(world.ToR1, "sharedchannel_sync", $$"""{"id":"{{Guid.NewGuid():N}}","channel_id":"{{channelId}}","users":{"{{CorpusWorld.Bob}}":{"id":"{{CorpusWorld.Bob}}","username":"bob"} },"posts":[{{postJson}}]}""");

    internal static string PostJson(string userId, string message, string channelId = CorpusWorld.Channel, string? id = null) =>
        $$"""{"id":"{{id ?? "post" + Guid.NewGuid().ToString("N")[..22]}}","create_at":1,"update_at":1,"user_id":"{{userId}}","channel_id":"{{channelId}}","root_id":"","message":"{{message}}"}""";

    /// <summary>One row of the corpus.</summary>
    private sealed record FrameCase(string Name, Func<CorpusWorld, Task<RemoteRequest>> Build, int Status, string? Reason)
    {
        /// <summary>Gets a description of the SDK bug this row exposes; the row is ignored until it is fixed.</summary>
        public string? Bug { get; init; }

        public override string ToString() => Name;
    }

    /// <summary>The <c>{"status","err"}</c> of a reply, or empty strings when the body is not a reply.</summary>
    private sealed record ReplyShape(string Status, string Err)
    {
        public static ReplyShape Read(RemoteResponse response)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(response.Body);
                JsonElement root = document.RootElement;
                return new ReplyShape(
                    root.TryGetProperty("status", out JsonElement status) ? status.GetString() ?? string.Empty : string.Empty,
                    root.TryGetProperty("err", out JsonElement err) ? err.GetString() ?? string.Empty : string.Empty);
            }
            catch (JsonException)
            {
                return new ReplyShape(string.Empty, string.Empty);
            }
        }
    }
}
