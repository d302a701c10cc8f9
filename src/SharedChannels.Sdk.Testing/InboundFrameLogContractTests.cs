using System.Text;
using NUnit.Framework;
using SharedChannels.Coordination;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="IInboundFrameLog"/> must meet: answers recorded for frames come back, per connection;
/// each signature is accepted once within its retention; expired entries stop counting and are swept. Derive a fixture
/// from it and implement <see cref="StoreContractTests{TStore}.CreateStoreAsync"/>.
/// </summary>
/// <remarks>Two tests wait for a short retention to pass on the log's own clock (under a second of real time each).</remarks>
public abstract class InboundFrameLogContractTests : StoreContractTests<IInboundFrameLog>
{
    private const string Remote = "remote00000000000000000001";
    private const string OtherRemote = "remote00000000000000000002";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Brief = TimeSpan.FromMilliseconds(200);

    /// <summary>A frame nobody answered has no answer.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetAnswerAsync_NothingRecorded_ReturnsNull()
    {
        Assert.That(await Store.GetAnswerAsync(Remote, "msg-1"), Is.Null);
    }

    /// <summary>A recorded answer comes back byte for byte, for that connection and frame only; recording again keeps one.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RecordAnswerAsync_Recorded_ComesBackForThatConnectionAndFrameOnly()
    {
        byte[] answer = Encoding.UTF8.GetBytes("{\"status\":\"OK\",\"payload\":{\"é\":\"🙂\"}}");

        await Store.RecordAnswerAsync(Remote, "msg-1", answer, Long);
        await Store.RecordAnswerAsync(Remote, "msg-1", answer, Long);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await Store.GetAnswerAsync(Remote, "msg-1"))?.ToArray(), Is.EqualTo(answer));
            Assert.That(await Store.GetAnswerAsync(Remote, "msg-2"), Is.Null);
            Assert.That(await Store.GetAnswerAsync(OtherRemote, "msg-1"), Is.Null);
        }
    }

    /// <summary>A signature is accepted once per connection; the same signature from another connection is another entry.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryRecordSignatureAsync_SecondTime_IsRefused()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.TryRecordSignatureAsync(Remote, "sig", Long), Is.True);
            Assert.That(await Store.TryRecordSignatureAsync(Remote, "sig", Long), Is.False);
            Assert.That(await Store.TryRecordSignatureAsync(OtherRemote, "sig", Long), Is.True);
        }
    }

    /// <summary>Of many callers recording one signature at once, exactly one succeeds.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryRecordSignatureAsync_ConcurrentCallers_ExactlyOneSucceeds()
    {
        bool[] accepted = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.TryRecordSignatureAsync(Remote, "sig", Long)))).ConfigureAwait(false);

        Assert.That(accepted.Count(a => a), Is.EqualTo(1));
    }

    /// <summary>Expired entries no longer count, even before a sweep; the sweep removes them and only them.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task RemoveExpiredAsync_RemovesOnlyExpiredEntries()
    {
        await Store.RecordAnswerAsync(Remote, "brief", new byte[] { 1 }, Brief);
        await Store.RecordAnswerAsync(Remote, "long", new byte[] { 2 }, Long);
        await Store.TryRecordSignatureAsync(Remote, "sig-brief", Brief);
        await Store.TryRecordSignatureAsync(Remote, "sig-long", Long);
        await Task.Delay(Brief * 3, TimeProvider.System).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store.GetAnswerAsync(Remote, "brief"), Is.Null, "expired before the sweep");
            Assert.That(await Store.RemoveExpiredAsync(), Is.EqualTo(2));
            Assert.That((await Store.GetAnswerAsync(Remote, "long"))?.ToArray(), Is.EqualTo(new byte[] { 2 }));
            Assert.That(await Store.TryRecordSignatureAsync(Remote, "sig-long", Long), Is.False);
        }
    }

    /// <summary>A signature whose retention passed may be recorded again, swept or not.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task TryRecordSignatureAsync_AfterItsRetention_IsAcceptedAgain()
    {
        await Store.TryRecordSignatureAsync(Remote, "sig", Brief);
        await Task.Delay(Brief * 3, TimeProvider.System).ConfigureAwait(false);

        Assert.That(await Store.TryRecordSignatureAsync(Remote, "sig", Long), Is.True);
    }
}
