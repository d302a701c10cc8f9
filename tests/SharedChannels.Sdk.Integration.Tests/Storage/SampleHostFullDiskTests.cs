using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharedChannels.Connections;
using SharedChannels.Diagnostics;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;
using SharedChannels.Samples.Chat;
using SharedChannels.Storage;

namespace SharedChannels.Integration.Tests.Storage;

/// <summary>
/// B's chat database is full: SQLite's <c>max_page_count</c> makes writes fail with SQLITE_FULL exactly as a full disk
/// does. Nothing is acknowledged that was not stored, and everything arrives once there is space again.
/// </summary>
[Category("Integration")]
public sealed class SampleHostFullDiskTests
{
    // Longer than a page (4 KiB): every post needs a new overflow page, so once one post fails for lack of pages, the
    // next one fails too.
    private static readonly string LongText = new('x', 5000);

    private TwoWorkspaces _workspaces = null!;

    private ChatDatabase DatabaseB => _workspaces.B.Services.GetRequiredService<ChatDatabase>();

    [SetUp]
    public async Task SetUp() => _workspaces = await TwoWorkspaces.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        DatabaseB.LimitPageCount(null);
        await _workspaces.DisposeAsync();
    }

    [Test]
    public async Task CreatePost_WhileTheDatabaseIsFull_Answers503WithAJsonErrorAndStoresNothing()
    {
        ChannelView scratch = await _workspaces.ChatB.CreateChannelAsync("scratch", _workspaces.AdminB.Id);
        using var http = new HttpClient { BaseAddress = _workspaces.B.Url };
        HttpResponseMessage failed = await FillUntilFullAsync(DatabaseB, http, scratch.Id, _workspaces.AdminB.Id);
        long postsBefore = await CountAsync("posts");
        long changesBefore = await CountAsync("changes");

        using HttpResponseMessage answer = await PostAsync(http, scratch.Id, _workspaces.AdminB.Id, LongText);
        string body = await answer.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), Does.StartWith("Storage is unavailable: the disk or the database is full."));
            Assert.That(answer.Headers.RetryAfter, Is.Not.Null, "says when to try again");
            Assert.That(body, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(await CountAsync("posts"), Is.EqualTo(postsBefore), "no post stored");
            Assert.That(await CountAsync("changes"), Is.EqualTo(changesBefore), "no change logged");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "the first failure was a 503 too");
        }

        DatabaseB.LimitPageCount(null);
        using HttpResponseMessage retried = await PostAsync(http, scratch.Id, _workspaces.AdminB.Id, LongText);
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created), "the running host stores again once there is space");
    }

    [Test]
    public async Task InboundSync_WhileTheDatabaseIsFull_IsNotAcknowledgedAndCompletesOnceThereIsSpace()
    {
        string channel = _workspaces.ChannelId;
        PostView first = await _workspaces.ChatA.PostAsync(channel, _workspaces.JohnA.Id, "before the disk filled up");
        await _workspaces.WaitUntilAsync("the first post to reach B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Any(p => p.Id == first.Id));
        ISyncStateStore stateA = _workspaces.A.Services.GetRequiredService<ISyncStateStore>();
        SyncCursor? cursorBefore = await stateA.GetCursorAsync(channel, _workspaces.ConnectionId);

        ChannelView scratch = await _workspaces.ChatB.CreateChannelAsync("scratch", _workspaces.AdminB.Id);
        using var http = new HttpClient { BaseAddress = _workspaces.B.Url };
        _ = await FillUntilFullAsync(DatabaseB, http, scratch.Id, _workspaces.AdminB.Id);
        long postsBefore = await CountAsync("posts");

        using var failures = new FailedFramesListener();
        string[] whileFull = [LongText + " 1", "while the disk was full 2", "while the disk was full 3"];
        foreach (string message in whileFull)
        {
            await _workspaces.ChatA.PostAsync(channel, _workspaces.JohnA.Id, message);
        }

        await _workspaces.WaitUntilAsync("B to fail a sync message", _ => Task.FromResult(failures.Count > 0));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((await stateA.GetCursorAsync(channel, _workspaces.ConnectionId))?.Cursor, Is.EqualTo(cursorBefore?.Cursor), "A's cursor did not move: B acknowledged nothing");
            Assert.That(await CountAsync("posts"), Is.EqualTo(postsBefore), "B stored nothing of the failed message");
        }

        DatabaseB.LimitPageCount(null);
        await _workspaces.A.Services.GetRequiredService<ConnectionMonitor>().PingAllAsync();
        string[] expected = ["before the disk filled up", .. whileFull];
        await _workspaces.WaitUntilAsync("the posts to reach B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Count >= expected.Length);

        IReadOnlyList<PostView> onB = await _workspaces.ChatB.GetPostsAsync(channel);
        IReadOnlyList<PostView> onA = await _workspaces.ChatA.GetPostsAsync(channel);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onB.Select(p => p.Message), Is.EqualTo(expected), "each post once, none lost, in order");
            Assert.That(onB.Select(p => p.Id), Is.EqualTo(onA.Select(p => p.Id)), "with A's ids");
            Assert.That((await stateA.GetCursorAsync(channel, _workspaces.ConnectionId))?.Cursor, Is.Not.EqualTo(cursorBefore?.Cursor), "A's cursor moved once B stored them");
        }
    }

    // Through HttpClient, not ChatClient, to see the answer itself.
    [Test]
    public async Task CreatePost_WhileTheDatabaseIsFull_LogsOneWarningLineWithoutTheMessageOrAStackTrace()
    {
        var logs = new CapturingLoggerProvider();
        string root = Path.Combine(Path.GetTempPath(), "sharedchannels-it-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using (SampleHost host = await SampleHost.StartAsync(new SampleHostOptions
            {
                DataDirectory = root,
                MinimumLogLevel = LogLevel.Warning,
                ConfigureServices = services => services.AddSingleton<ILoggerProvider>(logs),
            }))
            {
                using ChatClient chat = host.CreateClient();
                UserView alice = await chat.CreateUserAsync("alice");
                ChannelView channel = await chat.CreateChannelAsync("scratch", alice.Id);
                using var http = new HttpClient { BaseAddress = host.Url };
                ChatDatabase database = host.Services.GetRequiredService<ChatDatabase>();
                (await FillUntilFullAsync(database, http, channel.Id, alice.Id)).Dispose();
                int before = logs.Entries.Count;

                string secret = "a message nobody but alice should read " + Guid.NewGuid().ToString("N") + LongText;
                using HttpResponseMessage answer = await PostAsync(http, channel.Id, alice.Id, secret);

                CapturingLoggerProvider.LogLine[] lines = [.. logs.Entries.Skip(before)];
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                    Assert.That(lines, Has.Length.EqualTo(1), "one line per failed request");
                    Assert.That(lines[0].Level, Is.EqualTo(LogLevel.Warning));
                    Assert.That(lines[0].Exception, Is.Null, "no stack trace");
                    Assert.That(lines[0].Message, Does.Contain("503").And.Contain("database or disk is full").And.Contain($"/api/channels/{channel.Id}/posts"));
                    Assert.That(lines[0].Message, Does.Not.Contain("nobody but alice"), "no message body");
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string channelId, string userId, string message) =>
        http.PostAsJsonAsync($"/api/channels/{channelId}/posts", new CreatePostRequest(userId, message));

    // Limits the chat database to its current size, then posts long messages until one fails: the database is full.
    private static async Task<HttpResponseMessage> FillUntilFullAsync(ChatDatabase database, HttpClient http, string channelId, string userId)
    {
        await using (SqliteConnection db = await database.OpenConnectionAsync())
        {
            using SqliteCommand pages = db.CreateCommand();
            pages.CommandText = "PRAGMA page_count;";
            database.LimitPageCount((long)(await pages.ExecuteScalarAsync())!);
        }

        for (int i = 0; i < 100; i++)
        {
            HttpResponseMessage answer = await PostAsync(http, channelId, userId, LongText);
            if (answer.StatusCode != HttpStatusCode.Created)
            {
                return answer;
            }

            answer.Dispose();
        }

        Assert.Fail("100 posts fitted into a database limited to its size: the limit is not applied.");
        return null!;
    }

    private Task<long> CountAsync(string table) => CountAsync(DatabaseB, table);

    private static async Task<long> CountAsync(ChatDatabase database, string table)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync();
        using SqliteCommand count = db.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM {table};";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    // Frames B received and failed (the SDK answered 500 and FAIL, which the sender retries). The SDK's meter is
    // process-wide; only B fails frames in these tests.
    private sealed class FailedFramesListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public FailedFramesListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SharedChannelsDiagnostics.MeterName && instrument.Name == "sharedchannels.frames.received")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag is { Key: "outcome", Value: "failed" })
                    {
                        Interlocked.Increment(ref _count);
                    }
                }
            });
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
