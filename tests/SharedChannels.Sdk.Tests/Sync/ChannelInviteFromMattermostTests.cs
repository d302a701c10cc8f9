using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>
/// A channel a Mattermost home shares with this workspace. Mattermost's <c>SendChannelInvite</c> records the share
/// (its shared-channel-remote row) only in the invitation's result callback, after our answer arrived; until then its
/// <c>processSyncMessage</c> answers any sync for the channel with FAIL "cannot process sync message; channel is no
/// longer shared: &lt;id&gt;". The invited side must send nothing before its answer is written, and must not end a share
/// it has just accepted on such an answer.
/// </summary>
public sealed class ChannelInviteFromMattermostTests
{
    private const string Channel = "mmchannel00000000000000aaa";

    private static readonly RemoteResponse GoOk = new(200, Encoding.UTF8.GetBytes(
        """{"status":"OK","err":"","payload":{"users_last_update_at":0,"user_errors":null,"users_syncd":null,"posts_last_update_at":0,"post_errors":null,"reactions_last_update_at":0,"reaction_errors":null,"acknowledgements_last_update_at":0,"acknowledgement_errors":null,"status_errors":null}}"""));

    private static readonly RemoteResponse NotSharedYet = new(200, Encoding.UTF8.GetBytes(
        $$"""{"status":"FAIL","err":"cannot process sync message; channel is no longer shared: {{Channel}}","payload":null}"""));

    private FakeTimeProvider _time = null!;
    private TestWorkspace _home = null!;
    private TestWorkspace _invited = null!;
    private SyncTrafficTransport _invitedTransport = null!;
    private string _connectionId = null!;

    [SetUp]
    public async Task SetUp()
    {
        var network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _invitedTransport = new SyncTrafficTransport(network);
        _home = await TestWorkspace.StartAsync("home", network, _time);
        _invited = await TestWorkspace.StartAsync("r1", network, _time, services: s => s.AddSingleton<IRemoteTransport>(_invitedTransport));
        _connectionId = await _home.ConnectToAsync(_invited, "r1");

        // The home plays Mattermost: no signed frames.
        await _home.Store.UpdateAsync(await _home.RecordAsync(_connectionId) with { PeerSupportsSignedFrames = false });
        await _invited.Store.UpdateAsync(await _invited.RecordAsync(_connectionId) with { PeerSupportsSignedFrames = false });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _home.DisposeAsync();
        await _invited.DisposeAsync();
    }

    [Test]
    public async Task ReceiveInvite_BeforeTheAnswerIsWritten_SendsNothingInTheChannel()
    {
        bool answerWritten = false;
        var attemptsBeforeAnswer = new List<SyncRequest>();
        _invitedTransport.Intercept = sync =>
        {
            if (!Volatile.Read(ref answerWritten))
            {
                attemptsBeforeAnswer.Add(sync);
            }

            return GoOk;
        };

        RemoteResponse answer = await _invited.Dispatcher.DispatchAsync(await InviteAsync());
        await _invited.Sync.WhenIdleAsync();
        int attemptsWhileUnanswered = _invitedTransport.Attempted.Count;
        Volatile.Write(ref answerWritten, true);
        answer.MarkSent();
        await _invited.Sync.WhenIdleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer.StatusCode, Is.EqualTo(200));
            Assert.That(attemptsWhileUnanswered, Is.Zero, "nothing is sent in the channel while the answer is not written");
            Assert.That(attemptsBeforeAnswer, Is.Empty);
            Assert.That(_invitedTransport.Attempted, Is.Not.Empty, "what changed meanwhile (the administrator joined) goes out once it is");
        }
    }

    [Test]
    public async Task ReceiveInvite_TransportNeverReportsTheAnswerWritten_SendsAfterTheWaitLimit()
    {
        _invitedTransport.Intercept = _ => GoOk;

        await _invited.Dispatcher.DispatchAsync(await InviteAsync());
        await _invited.Sync.WhenIdleAsync();
        int attemptsWhileUnanswered = _invitedTransport.Attempted.Count;
        _time.Advance(SharedChannels.Sync.SharedChannelSync.AnswerWaitLimit);
        await _invited.Sync.WhenIdleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(attemptsWhileUnanswered, Is.Zero);
            Assert.That(_invitedTransport.Attempted, Is.Not.Empty);
        }
    }

    [Test]
    public async Task Sync_HomeAnswersNoLongerSharedRightAfterInviting_RetriesAndKeepsTheShare()
    {
        bool homeRecordedTheShare = false;
        _invitedTransport.Intercept = _ => Volatile.Read(ref homeRecordedTheShare) ? GoOk : NotSharedYet;

        (await _invited.Dispatcher.DispatchAsync(await InviteAsync())).MarkSent();
        await _invited.Sync.WhenIdleAsync();
        int refused = _invitedTransport.Attempted.Count;
        Volatile.Write(ref homeRecordedTheShare, true);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _invited.Sync.WhenIdleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused, Is.GreaterThanOrEqualTo(1), "the first sync crossed the home's recording of the share");
            Assert.That(_invitedTransport.Attempted, Has.Count.GreaterThan(refused), "and was sent again");
            Assert.That(await _invited.Services.GetRequiredService<ISharedChannelStore>().GetChannelAsync(Channel), Is.Not.Null, "the share is kept");
            Assert.That(_invited.Content.GetSystemMessages(Channel), Is.Empty, "nobody is told the channel is no longer shared");
            Assert.That(await CursorTowardHomeAsync(), Is.EqualTo(await _invited.Content.GetLatestCursorAsync(Channel)), "the cursor moved once the home took it");
        }
    }

    [Test]
    public async Task Sync_HomeAnswersNoLongerSharedAfterTheGracePeriod_EndsTheShare()
    {
        _invitedTransport.Intercept = _ => GoOk;
        (await _invited.Dispatcher.DispatchAsync(await InviteAsync())).MarkSent();
        await _invited.Sync.WhenIdleAsync();
        _time.Advance(SharedChannels.Sync.SharedChannelSync.NewShareGracePeriod);
        _invitedTransport.Intercept = _ => NotSharedYet;

        DateTimeOffset now = _time.GetUtcNow();
        await _invited.Content.UpsertPostAsync(new Post { Id = "post00000000000000000000aa", ChannelId = Channel, UserId = TestWorkspace.Admin, Message = "hello", CreateAt = now, UpdateAt = now });
        _invited.Sync.NotifyChannelChanged(Channel);
        await _invited.Sync.WhenIdleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _invited.Services.GetRequiredService<ISharedChannelStore>().GetChannelAsync(Channel), Is.Null, "the home unshared it");
            Assert.That(_invited.Content.GetSystemMessages(Channel), Is.EqualTo(new[] { "This channel is no longer shared." }));
        }
    }

    private async Task<string?> CursorTowardHomeAsync() =>
        (await _invited.Services.GetRequiredService<ISyncStateStore>().GetCursorAsync(Channel, _connectionId))?.Cursor;

    /// <summary>A <c>sharedchannel_invite</c> as Mattermost's SendChannelInvite writes it (channelInviteMsg, no omitempty).</summary>
    private async Task<RemoteRequest> InviteAsync()
    {
        ConnectionRecord home = await _home.RecordAsync(_connectionId);
        string payload =
            $$"""{"channel_id":"{{Channel}}","team_id":"","read_only":false,"name":"town-square","display_name":"Town Square","header":"","purpose":"","type":"O","creator_id":"","direct_participant_ids":null,"direct_participants":null}""";
        string body = $$"""{"remote_id":"{{_connectionId}}","msg":{"id":"invite000000000000000000aa","topic":"sharedchannel_invite","create_at":1764072000000,"payload":{{payload}}}""" + "}";
        return new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = _connectionId, Token = home.RemoteToken, Body = Encoding.UTF8.GetBytes(body) };
    }
}
