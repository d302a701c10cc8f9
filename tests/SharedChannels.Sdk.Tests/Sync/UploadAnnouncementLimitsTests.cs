using System.Text;
using System.Text.Json;
using SharedChannels.Storage;
using SharedChannels.Sync.Internal;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>Upload announcements a peer never follows with bytes cannot pin memory without bound: count per connection and age are limited.</summary>
[NonParallelizable] // measures process-wide GC memory: nothing else may allocate meanwhile
public sealed class UploadAnnouncementLimitsTests : SharedChannelPairFixture
{
    [Test]
    public async Task AnnounceUpload_MoreUnfinishedThanTheLimit_IsRefusedUntilTheOldOnesExpire()
    {
        await StartPairAsync();
        await Pair.WriteBacklogAsync(1);
        Pair.Home.Sync.NotifyChannelChanged(SharedChannelPair.Channel);
        await Pair.SettleAsync();
        ConnectionRecord home = await Pair.Home.RecordAsync(Pair.ConnectionId);

        var answers = new List<string>();
        for (int i = 0; i <= FileReceiver.MaxPendingUploadsPerConnection; i++)
        {
            answers.Add(await AnnounceAsync(home, i));
        }

        Pair.Time.Advance(FileReceiver.SessionLifetime + TimeSpan.FromSeconds(1));
        string afterExpiry = await AnnounceAsync(home, 100);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers.Take(FileReceiver.MaxPendingUploadsPerConnection), Has.All.EqualTo("OK"));
            Assert.That(answers[^1], Does.StartWith("FAIL").And.Contain("uploads announced and not finished"));
            Assert.That(afterExpiry, Is.EqualTo("OK"), "expired announcements no longer count");
        }
    }

    [Test]
    public async Task AnnounceUpload_HugeNamesNeverFollowedByBytes_KeepNothingOnceTheLimitIsReached()
    {
        await StartPairAsync(remoteOptions: o => o.MaxFrameBytes = 32 * 1024 * 1024);
        await Pair.WriteBacklogAsync(1);
        Pair.Home.Sync.NotifyChannelChanged(SharedChannelPair.Channel);
        await Pair.SettleAsync();
        ConnectionRecord home = await Pair.Home.RecordAsync(Pair.ConnectionId);

        // The first round fills the runtime's shared buffer pools (a 4 MiB name is parsed in rented arrays, some kept
        // for reuse) and the 8 sessions allowed; later rounds, all refused, must keep nothing more. A name of 4 Mi
        // characters takes 8 MiB as a string, so keeping even one of them fails the check below.
        var growth = new List<long>();
        for (int round = 0, n = 0; round < 2; round++)
        {
            long before = GC.GetTotalMemory(forceFullCollection: true);
            for (int i = 0; i < 12; i++, n++)
            {
                await AnnounceAsync(home, n, new string('n', 4 * 1024 * 1024));
            }

            growth.Add(GC.GetTotalMemory(forceFullCollection: true) - before);
        }

        await TestContext.Out.WriteLineAsync("live memory growth per round of 12 announcements with 4 Mi-character names (MiB): " + string.Join(", ", growth.Select(g => g / (1024 * 1024))));
        Assert.That(growth.Skip(1), Has.All.LessThan(8L * 1024 * 1024), "names are cut to 255 characters and at most 8 sessions are kept");
    }

    /// <summary>Announces a 10-byte file of Alice's (a user of the home) to the remote, as the home; returns OK or FAIL with the reason.</summary>
    private async Task<string> AnnounceAsync(ConnectionRecord home, int n, string fileName = "notes.txt")
    {
        string uploadId = $"upload{n:D20}";
        string fileId = $"file{n:D22}";
        string body =
            "{\"remote_id\":\"" + home.RemoteId + "\",\"msg\":{\"id\":\"" + Pair.NewId() + "\",\"topic\":\"sharedchannel_upload\",\"create_at\":1,\"payload\":" +
            $$"""{"id":"{{uploadId}}","type":"attachment","create_at":1,"user_id":"{{SharedChannelPair.Alice}}","channel_id":"{{SharedChannelPair.Channel}}","filename":"{{fileName}}","file_size":10,"file_offset":0,"remote_id":"","req_file_id":"{{fileId}}"}""" + "}}";
        RemoteResponse response = await Pair.Remote.Dispatcher.DispatchAsync(
            new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = home.RemoteId, Token = home.RemoteToken, Body = Encoding.UTF8.GetBytes(body) }.Signed(Pair.Time));
        using JsonDocument reply = JsonDocument.Parse(response.Body);
        string status = reply.RootElement.GetProperty("status").GetString()!;
        return status == "OK" ? status : status + ": " + reply.RootElement.GetProperty("err").GetString();
    }
}
