using System.Text;
using System.Text.Json;
using SharedChannels.Storage;
using SharedChannels.Sync.Internal;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Sync;

/// <summary>Upload announcements a peer never follows with bytes cannot pin memory without bound: count per connection and age are limited.</summary>
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

    /// <summary>Announces a 10-byte file of Alice's (a user of the home) to the remote, as the home; returns OK or FAIL with the reason.</summary>
    private async Task<string> AnnounceAsync(ConnectionRecord home, int n)
    {
        string uploadId = $"upload{n:D20}";
        string fileId = $"file{n:D22}";
        string body =
            "{\"remote_id\":\"" + home.RemoteId + "\",\"msg\":{\"id\":\"" + Pair.NewId() + "\",\"topic\":\"sharedchannel_upload\",\"create_at\":1,\"payload\":" +
            $$"""{"id":"{{uploadId}}","type":"attachment","create_at":1,"user_id":"{{SharedChannelPair.Alice}}","channel_id":"{{SharedChannelPair.Channel}}","filename":"notes.txt","file_size":10,"file_offset":0,"remote_id":"","req_file_id":"{{fileId}}"}""" + "}}";
        RemoteResponse response = await Pair.Remote.Dispatcher.DispatchAsync(
            new RemoteRequest { Endpoint = RemoteEndpoint.Message, RemoteId = home.RemoteId, Token = home.RemoteToken, Body = Encoding.UTF8.GetBytes(body) }.Signed(Pair.Time));
        using JsonDocument reply = JsonDocument.Parse(response.Body);
        string status = reply.RootElement.GetProperty("status").GetString()!;
        return status == "OK" ? status : status + ": " + reply.RootElement.GetProperty("err").GetString();
    }
}
