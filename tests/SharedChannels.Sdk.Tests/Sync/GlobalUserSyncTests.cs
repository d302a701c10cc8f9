using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Sync.Internal;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>
/// Global user sync (topic <c>sharedchannel_global_user_sync</c>): Mattermost's <c>syncAllUsers</c> sends a sync message
/// with an empty <c>channel_id</c> and only users, in batches, when a connection opens.
/// </summary>
public sealed class GlobalUserSyncTests
{
    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private RecordingTransport _senderTransport = null!;
    private TestWorkspace _sender = null!;
    private TestWorkspace _receiver = null!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _senderTransport = new RecordingTransport(_network);
        _sender = await TestWorkspace.StartAsync(
            "a",
            _network,
            _time,
            o => { o.SyncUsersOnConnectionOpen = true; o.GlobalUserSyncBatchSize = 2; },
            services: s => s.AddSingleton<IRemoteTransport>(_senderTransport));
        _receiver = await TestWorkspace.StartAsync("b", _network, _time);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sender.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Test]
    public async Task ConnectionOpened_SyncUsersOnConnectionOpen_SendsEveryLocalUserInBatches()
    {
        _sender.Content.AddLocalUser("alice000000000000000000000", "alice");
        _sender.Content.AddLocalUser("bob00000000000000000000000", "bob");
        _receiver.Content.AddLocalUser("bob11111111111111111111111", "bob");

        string connectionId = await _sender.ConnectToAsync(_receiver, "b");
        await GlobalUsers(_sender).WhenIdleAsync();

        List<JsonElement> messages = GlobalSyncsSent();
        IReadOnlyList<ChatUser> onReceiver = _receiver.Content.GetUsers().Where(u => u.IsRemote).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(messages.Select(m => m.GetProperty("users").EnumerateObject().Count()), Is.EqualTo(new[] { 2, 1 }), "admin, alice and bob in batches of two");
            Assert.That(messages.Select(m => m.GetProperty("channel_id").GetString()), Has.All.Empty, "no channel, as Mattermost sends it");
            Assert.That(onReceiver.Select(u => u.Username).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "alice", "bob:b-inviter" }), "named as the users of a channel sync are");
            Assert.That((await _receiver.Content.GetUserAsync(TestWorkspace.Admin))?.IsRemote, Is.False, "the test admin has the same id on both sides: the receiver keeps its own");
            Assert.That(onReceiver.Select(u => u.RemoteId), Has.All.EqualTo(connectionId));
        }
    }

    [Test]
    public async Task ConnectionOpenedAgain_SendsOnlyTheUsersChangedSince()
    {
        string connectionId = await _sender.ConnectToAsync(_receiver, "b");
        await GlobalUsers(_sender).WhenIdleAsync();
        int before = GlobalSyncsSent().Count;
        _time.Advance(TimeSpan.FromMinutes(1));
        _sender.Content.AddLocalUser("carol00000000000000000000a", "carol");

        await GlobalUsers(_sender).SyncAsync(connectionId, CancellationToken.None);

        List<JsonElement> later = GlobalSyncsSent().Skip(before).ToList();
        Assert.That(later.Select(m => string.Join(',', m.GetProperty("users").EnumerateObject().Select(p => p.Name))), Is.EqualTo(new[] { "carol00000000000000000000a" }));
    }

    [Test]
    public async Task PeerAnswersWithoutASyncResponse_KeepsTheCursorSoTheUsersAreOfferedAgain()
    {
        _senderTransport.Answer = request => request.Endpoint == RemoteEndpoint.Message ? MattermostWithTheFeatureOff() : null;
        string connectionId = await _sender.ConnectToAsync(_receiver, "b");
        await GlobalUsers(_sender).WhenIdleAsync();
        int offered = GlobalSyncsSent().Count;

        await GlobalUsers(_sender).SyncAsync(connectionId, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(offered, Is.EqualTo(1), "the first batch, answered without a sync response: no more batches");
            Assert.That(await _sender.Services.GetRequiredService<ISyncStateStore>().GetCursorAsync(GlobalUserSync.CursorKey, connectionId), Is.Null, "the cursor did not move");
            Assert.That(GlobalSyncsSent(), Has.Count.EqualTo(2), "the next opening offers the same users again");
        }

        // Mattermost with global user sync off answers OK with a null payload (processSyncMessage).
        static RemoteResponse MattermostWithTheFeatureOff() => new(200, """{"status":"OK","err":"","payload":null}"""u8.ToArray());
    }

    [Test]
    public async Task Receive_MattermostShapedGlobalUserSync_CreatesTheUsersAndAnswersWithASyncResponse()
    {
        string connectionId = await _sender.ConnectToAsync(_receiver, "b");
        ConnectionRecord asSender = await AsMattermostAsync(connectionId);

        // syncMsg with channel_id "" and users only; model.User with Mattermost's tags (timezone has no omitempty).
        const string payload =
            """{"id":"gsync00000000000000000000a","channel_id":"","users":{"mmuser0000000000000000000a":{"id":"mmuser0000000000000000000a","create_at":1700000000000,"update_at":1700000000001,"delete_at":0,"username":"dave","auth_service":"","email":"x4cq7pgswfbg8mhwh9xkqg4gny","nickname":"","first_name":"Dave","last_name":"","position":"","roles":"system_user","props":{"RemoteUsername":"dave","RemoteEmail":"dave@example.com"},"locale":"en","timezone":null,"disable_welcome_email":false}}}""";
        RemoteResponse response = await _receiver.Dispatcher.DispatchAsync(Frame(asSender, "sharedchannel_global_user_sync", payload));

        using JsonDocument reply = JsonDocument.Parse(response.Body);
        ChatUser? dave = await _receiver.Content.GetUserAsync("mmuser0000000000000000000a");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reply.RootElement.GetProperty("status").GetString(), Is.EqualTo("OK"));
            Assert.That(reply.RootElement.GetProperty("payload").GetProperty("users_syncd").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "mmuser0000000000000000000a" }), "Mattermost moves its cursor only on a payload");
            Assert.That(dave?.Username, Is.EqualTo("dave"));
            Assert.That(dave?.RemoteId, Is.EqualTo(connectionId));
        }
    }

    [Test]
    public async Task Receive_GlobalUserSyncWithPosts_IsRefusedWholeAndChangesNothing()
    {
        string connectionId = await _sender.ConnectToAsync(_receiver, "b");
        ConnectionRecord asSender = await AsMattermostAsync(connectionId);
        const string payload =
            """{"id":"gsync00000000000000000000b","channel_id":"","users":{"mmuser0000000000000000000b":{"id":"mmuser0000000000000000000b","username":"erin","update_at":1}},"posts":[{"id":"post00000000000000000000aa","channel_id":"x","user_id":"mmuser0000000000000000000b","message":"hi","create_at":1,"update_at":1}]}""";

        RemoteResponse response = await _receiver.Dispatcher.DispatchAsync(Frame(asSender, "sharedchannel_global_user_sync", payload));

        using JsonDocument reply = JsonDocument.Parse(response.Body);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reply.RootElement.GetProperty("status").GetString(), Is.EqualTo("FAIL"));
            Assert.That(await _receiver.Content.GetUserAsync("mmuser0000000000000000000b"), Is.Null);
        }
    }

    /// <summary>Makes the receiver treat the sender as a Mattermost peer (unsigned frames); returns the sender's record.</summary>
    private async Task<ConnectionRecord> AsMattermostAsync(string connectionId)
    {
        await _receiver.Store.UpdateAsync(await _receiver.RecordAsync(connectionId) with { PeerSupportsSignedFrames = false });
        return await _sender.RecordAsync(connectionId);
    }

    private static GlobalUserSync GlobalUsers(TestWorkspace workspace) => workspace.Services.GetRequiredService<GlobalUserSync>();

    private static RemoteRequest Frame(ConnectionRecord sender, string topic, string payload) => new()
    {
        Endpoint = RemoteEndpoint.Message,
        RemoteId = sender.RemoteId,
        Token = sender.RemoteToken,
        Body = Encoding.UTF8.GetBytes("{\"remote_id\":\"" + sender.RemoteId + "\",\"msg\":{\"id\":\"" + Guid.NewGuid().ToString("N")[..26] + "\",\"topic\":\"" + topic + "\",\"create_at\":1,\"payload\":" + payload + "}}"),
    };

    private List<JsonElement> GlobalSyncsSent() =>
        [.. _senderTransport.Sent.Where(s => s.Topic == "sharedchannel_global_user_sync").Select(s => s.Payload)];
}
