using System.Text;
using SharedChannels.PostgreSql.Tests.TestSupport;

namespace SharedChannels.PostgreSql.Tests.Coordination;

/// <summary>Two nodes (two storages) over one database share which frames were answered and which signatures were seen.</summary>
[Category("Integration")]
public sealed class PostgreSqlInboundFrameLogTests
{
    private const string Remote = "remote00000000000000000001";
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private TemporaryDatabase? _database;
    private PostgreSqlInboundFrameLog _nodeA = null!;
    private PostgreSqlInboundFrameLog _nodeB = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _database = await TemporaryDatabase.CreateAsync();
        _nodeA = new PostgreSqlInboundFrameLog(_database.Open());
        _nodeB = new PostgreSqlInboundFrameLog(_database.Open());
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    public async Task MultiNode_RecordAnswerAsync_OnOneNode_TheOtherGetsTheAnswer()
    {
        byte[] answer = Encoding.UTF8.GetBytes("""{"status":"OK","payload":{"posts_last_update_at":1}}""");
        Assert.That(await _nodeB.GetAnswerAsync(Remote, "msg-1"), Is.Null, "not answered yet");

        await _nodeA.RecordAnswerAsync(Remote, "msg-1", answer, Retention);
        await _nodeA.RecordAnswerAsync(Remote, "msg-1", answer, Retention);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await _nodeB.GetAnswerAsync(Remote, "msg-1"))?.ToArray(), Is.EqualTo(answer));
            Assert.That(await _nodeB.GetAnswerAsync(Remote, "msg-2"), Is.Null, "another frame");
            Assert.That(await _nodeB.GetAnswerAsync("remote00000000000000000002", "msg-1"), Is.Null, "the same id from another connection");
        }
    }

    [Test]
    public async Task MultiNode_TryRecordSignatureAsync_SameSignatureOnTwoNodesAtOnce_OnlyOneAccepts()
    {
        for (int i = 0; i < 20; i++)
        {
            string signature = $"sig-{i}";
            bool[] accepted = await Task.WhenAll(
                Task.Run(() => _nodeA.TryRecordSignatureAsync(Remote, signature, Retention)),
                Task.Run(() => _nodeB.TryRecordSignatureAsync(Remote, signature, Retention)));

            Assert.That(accepted.Count(a => a), Is.EqualTo(1), $"signature {i}: the replay is refused on whichever node it arrives");
        }
    }

    [Test]
    public async Task MultiNode_RemoveExpiredAsync_RemovesOnlyExpiredEntriesAndExpiredEntriesNoLongerCount()
    {
        TimeSpan brief = TimeSpan.FromMilliseconds(200);
        await _nodeA.RecordAnswerAsync(Remote, "short", new byte[] { 1 }, brief);
        await _nodeA.RecordAnswerAsync(Remote, "long", new byte[] { 2 }, Retention);
        Assert.That(await _nodeA.TryRecordSignatureAsync(Remote, "sig-short", brief), Is.True);
        Assert.That(await _nodeA.TryRecordSignatureAsync(Remote, "sig-long", Retention), Is.True);
        await Task.Delay(brief * 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _nodeB.GetAnswerAsync(Remote, "short"), Is.Null, "expired, even before it is swept");
            Assert.That(await _nodeB.RemoveExpiredAsync(), Is.EqualTo(2));
            Assert.That(await _nodeB.RemoveExpiredAsync(), Is.Zero);
            Assert.That((await _nodeB.GetAnswerAsync(Remote, "long"))?.ToArray(), Is.EqualTo(new byte[] { 2 }));
            Assert.That(await _nodeB.TryRecordSignatureAsync(Remote, "sig-long", Retention), Is.False, "still within its retention");
            Assert.That(await _nodeB.TryRecordSignatureAsync(Remote, "sig-short", Retention), Is.True, "its retention passed");
        }

        await using var raw = await _database!.OpenRawAsync();
        Assert.That(await raw.ScalarAsync("SELECT COUNT(*) FROM shared_channels.inbound_frames;"), Is.EqualTo(1L));
    }

    [Test]
    public async Task MultiNode_TryRecordSignatureAsync_ExpiredButNotSweptEntry_IsTakenOver()
    {
        Assert.That(await _nodeA.TryRecordSignatureAsync(Remote, "sig", TimeSpan.FromMilliseconds(100)), Is.True);
        await Task.Delay(300);

        Assert.That(await _nodeB.TryRecordSignatureAsync(Remote, "sig", Retention), Is.True);
        Assert.That(await _nodeA.TryRecordSignatureAsync(Remote, "sig", Retention), Is.False, "and now it is live again");
    }
}
