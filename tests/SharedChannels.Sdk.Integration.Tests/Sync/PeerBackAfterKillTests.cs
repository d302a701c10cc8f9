using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharedChannels.Connections;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;

namespace SharedChannels.Integration.Tests.Sync;

/// <summary>
/// A peer killed with SIGKILL (a real process) comes back while this side's worker waits out a long retry delay: the
/// peer's first requests after its restart end that wait, so the backlog goes at once instead of at the end of the
/// delay (up to 5 minutes) or at the next ping (every minute).
/// </summary>
[Category("Integration")]
public sealed partial class PeerBackAfterKillTests
{
    private static readonly TimeSpan Patience = SampleHostProcess.Patience;

    private readonly CapturingLoggerProvider _logsA = new();
    private string _root = null!;
    private SampleHost _a = null!;
    private SampleHostProcess? _b;

    [SetUp]
    public async Task SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "sharedchannels-kill-" + Guid.NewGuid().ToString("N")[..8]);
        _a = await SampleHost.StartAsync(new SampleHostOptions
        {
            DataDirectory = Path.Combine(_root, "a"),
            MinimumLogLevel = LogLevel.Warning,
            ConfigureServices = services => services.AddLogging(logging => logging.AddProvider(_logsA)),
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        StopB();
        await _a.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task PeerKilledAndRestarted_WhileAWorkerBacksOffTowardIt_GetsTheBacklogBeforeTheRetryDelayEnds()
    {
        var urlB = new Uri($"http://127.0.0.1:{FreePort()}");
        string dataB = Path.Combine(_root, "b");
        using ChatClient chatA = _a.CreateClient();
        using var chatB = new ChatClient(new HttpClient { BaseAddress = urlB });
        (UserView adminA, string connectionId, ChannelView channel) = await ConnectAndShareAsync(chatA, chatB, urlB, dataB);

        StopB();
        PostView post = await chatA.PostAsync(channel.Id, adminA.Id, "written while B is down");
        (DateTimeOffset failedAt, TimeSpan delay) = await WaitForRetryDelayAsync(atLeast: TimeSpan.FromSeconds(8));
        DateTimeOffset retryDue = failedAt + delay;

        await StartBAsync(urlB, dataB);
        DateTimeOffset arrived = await WaitForPostAsync(chatB, channel.Id, post.Id);

        await TestContext.Out.WriteLineAsync($"retry due {(retryDue - failedAt).TotalSeconds:F1} s after the failure; the post arrived after {(arrived - failedAt).TotalSeconds:F1} s");
        Assert.That(arrived, Is.LessThan(retryDue), "B's requests after its restart ended A's retry delay");
    }

    [Test]
    public async Task PeerKilledAndRestartedOnAnotherPort_AnnouncesItsNewAddress_AndTheBacklogReachesItThere()
    {
        var urlB = new Uri($"http://127.0.0.1:{FreePort()}");
        string dataB = Path.Combine(_root, "b");
        using ChatClient chatA = _a.CreateClient();
        using var chatB = new ChatClient(new HttpClient { BaseAddress = urlB });
        (UserView adminA, string connectionId, ChannelView channel) = await ConnectAndShareAsync(chatA, chatB, urlB, dataB);

        StopB();
        PostView post = await chatA.PostAsync(channel.Id, adminA.Id, "written while B moves");
        var movedB = new Uri($"http://127.0.0.1:{FreePort()}");
        await StartBAsync(movedB, dataB);
        using var movedChatB = new ChatClient(new HttpClient { BaseAddress = movedB });
        await WaitForPostAsync(movedChatB, channel.Id, post.Id);

        RemoteConnection? onA = await _a.Services.GetRequiredService<SecureConnections>().GetAsync(adminA.Id, connectionId);
        Assert.That(onA?.SiteUrl, Is.EqualTo(movedB.ToString().TrimEnd('/')), "A learned B's new address from B, without an administrator");
    }

    /// <summary>Starts B, connects A (inviter) and B, and shares a channel homed on A.</summary>
    private async Task<(UserView AdminA, string ConnectionId, ChannelView Channel)> ConnectAndShareAsync(ChatClient chatA, ChatClient chatB, Uri urlB, string dataB)
    {
        await StartBAsync(urlB, dataB);
        UserView adminA = await chatA.CreateUserAsync("admin", isAdmin: true);
        UserView adminB = await chatB.CreateUserAsync("admin", isAdmin: true);
        InvitationView invitation = await chatA.CreateConnectionAsync(adminA.Id, "chat-b");
        await chatB.AcceptConnectionAsync(adminB.Id, "chat-a", invitation.InvitationCode, invitation.Password);
        ChannelView channel = await chatA.CreateChannelAsync("town-square", adminA.Id);
        await chatA.ShareChannelAsync(adminA.Id, channel.Id, invitation.ConnectionId);
        return (adminA, invitation.ConnectionId, channel);
    }

    /// <summary>Waits until A logs a retry delay of at least <paramref name="atLeast"/> (event 1501); returns when and how long.</summary>
    private async Task<(DateTimeOffset At, TimeSpan Delay)> WaitForRetryDelayAsync(TimeSpan atLeast)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Patience)
        {
            foreach (CapturingLoggerProvider.LogLine line in _logsA.Entries)
            {
                if (RetryDelay().Match(line.Message) is { Success: true } match &&
                    TimeSpan.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) is { } delay && delay >= atLeast)
                {
                    return (DateTimeOffset.UtcNow, delay);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.Fail($"A never waited {atLeast.TotalSeconds} s before retrying within {Patience.TotalSeconds} s.");
        return default;
    }

    private static async Task<DateTimeOffset> WaitForPostAsync(ChatClient chat, string channelId, string postId)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Patience)
        {
            if ((await chat.GetPostsAsync(channelId)).Any(p => p.Id == postId))
            {
                return DateTimeOffset.UtcNow;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.Fail($"The post did not reach B within {Patience.TotalSeconds} s.");
        return default;
    }

    private async Task StartBAsync(Uri url, string dataDirectory) => _b = await SampleHostProcess.StartAsync(url, dataDirectory);

    private void StopB()
    {
        _b?.Dispose();
        _b = null;
    }

    private static int FreePort() => SampleHostProcess.FreePort();

    [GeneratedRegex(@"retrying in ([0-9:.]+)\. Reason", RegexOptions.CultureInvariant)]
    private static partial Regex RetryDelay();
}
