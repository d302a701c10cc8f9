using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SharedChannels.Samples;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>
/// A remote that connects the way Mattermost does and then misbehaves, over HTTP against the sample host. Every case
/// checks the answer and that the host's data did not change (its chat database and the SDK's shared channels,
/// compared table by table before and after).
/// </summary>
[Category("Integration")]
public sealed class HostileRemoteTests
{
    private SampleHostAndMattermostPeer _world = null!;
    private PeerChannel _channel = null!;
    private PeerUser _alice = null!;
    private HttpClient _http = null!;

    private PeerRemoteCluster Attacker => _world.Peer.Read(p => p.RemoteClusters[_world.ConnectionId]);

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _world = await SampleHostAndMattermostPeer.StartAsync();
        await _world.ConnectPeerInvitesAsync();
        _alice = _world.Peer.CreateUser("alice");
        _channel = _world.Peer.CreateChannel("attacked", _alice.Id);
        (bool ok, string err) = await _world.Peer.InviteToChannelAsync(_channel.Id, _world.ConnectionId, _alice.Id);
        Assert.That(ok, Is.True, err);
        _world.Peer.CreatePost(_channel.Id, _alice.Id, "hello, a legitimate post");
        await _world.Peer.SyncChannelAsync(_channel.Id);
        _http = new HttpClient { BaseAddress = _world.Host.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _http.Dispose();
        await _world.DisposeAsync();
    }

    private static IEnumerable<TestCaseData> RefusedFrames()
    {
        yield return Case("DeepJsonNesting", _ => Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)), 400);
        yield return Case("InvalidUtf8", t => [.. Encoding.UTF8.GetBytes(t.Frame("sharedchannel_sync", "{\"channel_id\":\"")), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")], 400);
        yield return Case("PostsAsAnObject", t => Encoding.UTF8.GetBytes(t.Frame("sharedchannel_sync", $$"""{"id":"x","channel_id":"{{t.Channel}}","posts":{"id":"a"} }""")), 200, "FAIL");
        yield return Case("CreateAtAsAString", t => Encoding.UTF8.GetBytes(t.Frame("sharedchannel_sync", $$"""{"id":"x","channel_id":"{{t.Channel}}","posts":[{"id":"{{NewId()}}","create_at":"yesterday"}]}""")), 200, "FAIL");
        yield return Case("PostWithTimestampOutOfRange", t => Encoding.UTF8.GetBytes(t.Sync(t.Post(message: "from the far future", createAt: long.MaxValue))), 200, "invalid times");
        yield return Case("PostOfOneMebibyte", t => Encoding.UTF8.GetBytes(t.Sync(t.Post(message: new string('x', 1024 * 1024)))), 200, "the message is longer than 16383");
        yield return Case("ReactionWithPathAsEmoji", t => Encoding.UTF8.GetBytes(t.Frame("sharedchannel_sync", $$"""{"id":"x","channel_id":"{{t.Channel}}","reactions":[{"user_id":"{{t.Alice}}","post_id":"{{t.ExistingPost}}","emoji_name":"../../../etc/passwd","create_at":1,"update_at":1,"delete_at":0,"channel_id":"{{t.Channel}}"}]}""")), 200, "emoji name is not valid");
        yield return Case("ReactionWithNulInEmoji", t => Encoding.UTF8.GetBytes(t.Frame("sharedchannel_sync", $$"""{"id":"x","channel_id":"{{t.Channel}}","reactions":[{"user_id":"{{t.Alice}}","post_id":"{{t.ExistingPost}}","emoji_name":"smile\u0000","create_at":1,"update_at":1,"delete_at":0,"channel_id":"{{t.Channel}}"}]}""")), 200, "emoji name is not valid");
        yield return Case("UploadWithPathAsFileId", t => Encoding.UTF8.GetBytes(t.Frame("sharedchannel_upload", $$"""{"id":"{{NewId()}}","type":"attachment","create_at":1,"user_id":"{{t.Alice}}","channel_id":"{{t.Channel}}","filename":"x.txt","file_size":3,"file_offset":0,"remote_id":"","req_file_id":"../../../../tmp/x"}""")), 200, "FAIL");
        yield return Case("UnknownTopic", t => Encoding.UTF8.GetBytes(t.Frame("sharedchannel_evil", "{}")), 400);
        yield return Case("PostInAChannelNotSharedWithIt", t => Encoding.UTF8.GetBytes(t.Sync(t.Post(message: "elsewhere", channelId: NewId()), channelId: NewId())), 200, "no longer shared");
        yield return Case("PostAsALocalUser", t => Encoding.UTF8.GetBytes(t.Sync(t.Post(message: "I am the admin", userId: t.HostAdmin))), 200, "\"post_errors\":[\"");
        yield return Case("SystemMessagePost", t => Encoding.UTF8.GetBytes(t.Sync(t.Post(message: "This channel is no longer shared.", type: "system_shared_channels"))), 200, "system messages are not accepted");
    }

    private static TestCaseData Case(string name, Func<Target, byte[]> body, int status, string? answerContains = null) =>
        new TestCaseData(body, status, answerContains).SetName($"Message_{name}_IsRefusedAndChangesNothing");

    [TestCaseSource(nameof(RefusedFrames))]
    public async Task Message_HostileFrame_IsRefusedAndChangesNothing(Func<Target, byte[]> body, int status, string? answerContains)
    {
        string before = await SnapshotAsync();

        (int actualStatus, string answer) = await PostAsync("api/v4/remotecluster/msg", body(await TargetAsync()), Attacker.RemoteId, Attacker.RemoteToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(actualStatus, Is.EqualTo(status), answer);
            Assert.That(answer, Does.Contain(answerContains ?? "FAIL"));
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the host's data is unchanged");
        }
    }

    [Test]
    public async Task Message_TwoThousandUsersInOneMessage_TakesAtMostTheLimitAndRefusesTheRest()
    {
        Target t = await TargetAsync();
        string users = string.Join(',', Enumerable.Range(0, 2000).Select(i => { string id = NewId(); return $$"""{{JsonSerializer.Serialize(id)}}:{"id":"{{id}}","username":"flood{{i}}","update_at":1}"""; }));
        long usersBefore = await CountAsync("SELECT COUNT(*) FROM users");

        (int status, string answer) = await PostAsync("api/v4/remotecluster/msg", Encoding.UTF8.GetBytes(t.Frame("sharedchannel_sync", $$"""{"id":"x","channel_id":"{{t.Channel}}","users":{ {{users}} } }""")), Attacker.RemoteId, Attacker.RemoteToken);

        using JsonDocument reply = JsonDocument.Parse(answer);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(200));
            Assert.That(reply.RootElement.GetProperty("payload").GetProperty("user_errors").GetArrayLength(), Is.EqualTo(2000 - SharedChannelsOptions.DefaultMaxUsersPerSyncMessage));
            Assert.That(await CountAsync("SELECT COUNT(*) FROM users") - usersBefore, Is.LessThanOrEqualTo(SharedChannelsOptions.DefaultMaxUsersPerSyncMessage));
        }
    }

    [Test]
    public async Task Message_UsernameWithZeroWidthSpaceOfALocalUser_IsRenamedLikeAnExactMatch()
    {
        Target t = await TargetAsync();
        string id = NewId();

        await PostAsync("api/v4/remotecluster/msg", Encoding.UTF8.GetBytes(t.Frame("sharedchannel_sync", $$"""{"id":"x","channel_id":"{{t.Channel}}","users":{"{{id}}":{"id":"{{id}}","username":"john\u200b","update_at":1} } }""")), Attacker.RemoteId, Attacker.RemoteToken);

        string? username = (string?)await _world.QueryHostAsync("SELECT username FROM users WHERE id = $id", ("$id", id));
        Assert.That(username, Is.EqualTo($"john:{SampleHostAndMattermostPeer.PeerName}"), "the host has its own john");
    }

    [Test]
    public async Task ConfirmInvite_WithoutATokenRotation_IsRefusedAndTheInvitationStaysPending()
    {
        Samples.Api.InvitationView invitation = await _world.Chat.CreateConnectionAsync(_world.Admin.Id, "pending-peer");
        Invitations.Invitation opened = Invitations.InvitationCodec.Decrypt(invitation.InvitationCode, invitation.Password);
        string before = await SnapshotAsync(includeConnections: true);
        string frame = Target.FrameFor(opened.RemoteId, "invitation", $$"""{"remote_id":"{{opened.RemoteId}}","remote_team_id":"","site_url":"http://127.0.0.1:9","token":"{{NewId()}}","refreshed_token":"{{opened.Token}}","version":3}""");

        (int status, string answer) = await PostAsync("api/v4/remotecluster/confirm_invite", Encoding.UTF8.GetBytes(frame), opened.RemoteId, opened.Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(400));
            Assert.That(answer, Does.Contain("refreshed_token"));
            Assert.That(await SnapshotAsync(includeConnections: true), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task UploadAnnouncements_WithHugeNamesNeverFollowedByBytes_AreBoundedInCount()
    {
        // Over HTTP the server's and this client's buffer pools (all in this process) grow with the first rounds, so the
        // memory is printed, not asserted: UploadAnnouncementLimitsTests measures the SDK's own retention.
        Target t = await TargetAsync();
        var answers = new List<string>();
        long start = LiveMemoryAfterCollection();
        // Two rounds of 12: the first fills the 8 sessions and is refused 4 times, the second is refused throughout.
        await AnnounceAsync(12);
        long afterFirst = LiveMemoryAfterCollection();
        await AnnounceAsync(12);
        long afterSecond = LiveMemoryAfterCollection();
        await TestContext.Out.WriteLineAsync($"live memory: +{(afterFirst - start) / (1024 * 1024)} MiB after 12 announcements of 8 MiB names, +{(afterSecond - afterFirst) / (1024 * 1024)} MiB after 12 more");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers.Count(a => a == "OK"), Is.LessThanOrEqualTo(8), "at most 8 unfinished announcements per connection");
            Assert.That(answers.Take(8), Has.All.EqualTo("OK"), "the first eight are taken");
        }

        async Task AnnounceAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                string name = new('n', 8 * 1024 * 1024);
                string frame = t.Frame("sharedchannel_upload", $$"""{"id":"{{NewId()}}","type":"attachment","create_at":1,"user_id":"{{t.Alice}}","channel_id":"{{t.Channel}}","filename":"{{name}}","file_size":3,"file_offset":0,"remote_id":"","req_file_id":"{{NewId()}}"}""");
                (_, string answer) = await PostAsync("api/v4/remotecluster/msg", Encoding.UTF8.GetBytes(frame), Attacker.RemoteId, Attacker.RemoteToken);
                answers.Add(answer.Contains("\"status\":\"OK\"", StringComparison.Ordinal) ? "OK" : "FAIL");
            }
        }
    }

    [Test]
    public async Task Flood_OfUnauthenticatedRequestsWithLargeBodies_CostsNoBodyMemoryAndTheRealPeerKeepsSyncing()
    {
        long before = LiveMemoryAfterCollection();
        var stopwatch = Stopwatch.StartNew();
        byte[] large = new byte[15 * 1024 * 1024], small = new byte[1024];
        Task<(int, string)>[] flood = [.. Enumerable.Range(0, 1000).Select(i => PostAsync("api/v4/remotecluster/msg", i < 32 ? large : small, NewId(), NewId()))];
        PeerPost during = _world.Peer.CreatePost(_channel.Id, _alice.Id, "posted during the flood");
        await _world.Peer.SyncChannelAsync(_channel.Id);
        TimeSpan legitimate = stopwatch.Elapsed;
        (int Status, string Body)[] refused = await Task.WhenAll(flood);
        long grown = LiveMemoryAfterCollection() - before;
        await TestContext.Out.WriteLineAsync($"legitimate sync during the flood took {legitimate.TotalMilliseconds:F0} ms; live memory grew by {grown / (1024 * 1024)} MiB");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.Select(r => r.Status), Has.All.EqualTo(401));
            Assert.That((await _world.HostPostsAsync(_channel.Id)).Select(p => p.Id), Does.Contain(during.Id), "the real peer's post arrived meanwhile");
            Assert.That(grown, Is.LessThan(256L * 1024 * 1024), "no unauthenticated body is buffered (32 of them are 15 MiB)");
        }
    }

    /// <summary>
    /// The managed memory still in use after a full collection: what the host (in this process) keeps. The working set
    /// is not used: the runtime keeps freed heap committed, so it also counts garbage already collected.
    /// </summary>
    private static long LiveMemoryAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string NewId() => MattermostIds.NewId();

    private async Task<Target> TargetAsync()
    {
        string existing = (string)(await _world.QueryHostAsync("SELECT id FROM posts WHERE channel_id = $c LIMIT 1", ("$c", _channel.Id)))!;
        return new Target(Attacker.RemoteId, _channel.Id, _alice.Id, existing, _world.Admin.Id);
    }

    private async Task<long> CountAsync(string sql) => (long)(await _world.QueryHostAsync(sql))!;

    private async Task<(int Status, string Body)> PostAsync(string path, byte[] body, string remoteId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(MattermostPeer.HeaderRemoteId, remoteId);
        request.Headers.Add(MattermostPeer.HeaderRemoteToken, token);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            // The host closed the connection after answering while the body was still being sent.
            return ((int)HttpStatusCode.Unauthorized, "closed after refusing");
        }
    }

    /// <summary>Every row of the host's chat tables and of the SDK's shared channels, in a stable order.</summary>
    private async Task<string> SnapshotAsync(bool includeConnections = false)
    {
        var text = new StringBuilder();
        await AppendAsync(Path.Combine(_world.Host.Options.DataDirectory, SampleHost.ChatDatabaseFile), ["users", "channels", "channel_members", "posts", "reactions", "acknowledgements", "files", "profile_images", "custom_emoji", "statuses"]);
        await AppendAsync(Path.Combine(_world.Host.Options.DataDirectory, SampleHost.SharedChannelsDatabaseFile), includeConnections ? ["shared_channels", "shared_channel_remotes", "connections"] : ["shared_channels", "shared_channel_remotes"]);
        return text.ToString();

        async Task AppendAsync(string file, string[] tables)
        {
            await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly }.ToString());
            await db.OpenAsync();
            foreach (string table in tables)
            {
                await using SqliteCommand command = db.CreateCommand();
                command.CommandText = $"SELECT * FROM {table} ORDER BY 1";
                await using SqliteDataReader reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    text.Append(table).Append(':');
                    for (int i = 0; i < reader.FieldCount; i++)
                    {
                        text.Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                    }

                    text.AppendLine();
                }
            }
        }
    }

    /// <summary>What a case needs to build its frame: the attacker's connection and a channel, user and post it may use.</summary>
    public sealed record Target(string RemoteId, string Channel, string Alice, string ExistingPost, string HostAdmin)
    {
        public static string FrameFor(string remoteId, string topic, string payload) =>
            "{\"remote_id\":\"" + remoteId + "\",\"msg\":{\"id\":\"" + NewId() + "\",\"topic\":\"" + topic + "\",\"create_at\":1,\"payload\":" + payload + "}}";

        public string Frame(string topic, string payload) => FrameFor(RemoteId, topic, payload);

        public string Post(string message, long createAt = 1, string? channelId = null, string? userId = null, string type = "") =>
            $$"""{"id":"{{NewId()}}","create_at":{{createAt}},"update_at":{{createAt}},"edit_at":0,"delete_at":0,"is_pinned":false,"user_id":"{{userId ?? Alice}}","channel_id":"{{channelId ?? Channel}}","root_id":"","original_id":"","message":{{JsonSerializer.Serialize(message)}},"type":"{{type}}","props":null,"hashtags":"","remote_id":null}""";

        public string Sync(string post, string? channelId = null) =>
            Frame("sharedchannel_sync", $$"""{"id":"{{NewId()}}","channel_id":"{{channelId ?? Channel}}","posts":[{{post}}]}""");
    }
}
