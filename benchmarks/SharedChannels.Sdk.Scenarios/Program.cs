// The performance scenarios: two sample hosts (samples/SharedChannels.SampleHost) on 127.0.0.1, SQLite on both sides,
// a channel homed on A shared with B. See benchmarks/SCENARIOS.md.
//
//   dotnet run -c Release --project benchmarks/SharedChannels.Sdk.Scenarios -- [--messages N] [--max-posts-per-sync N]
//
// 1. catch-up: N posts written on A while its link to B is cut, then the link back: messages/s until B has them all,
//    peak working set;
// 2. live: posts at a steady rate on A's chat API, latency until each is stored on B (p50/p95/p99);
//    and a second live run at a fast rate (2 000 posts/s);
// 3. floor: the catch-up's own request bodies posted to a Kestrel endpoint that only parses them; floor_ratio.
// 4. durable floor: the same bodies to an endpoint that stores them in SQLite with the sample's schema and durability,
//    one transaction per request; durable_floor_ratio.
// 5. the catch-up again on two new hosts with the Mattermost profile (50-post pages, one request in flight):
//    what a Mattermost peer sees.
//
// Prints a table, then one "METRIC name=value" line per figure. Exits 1 with a message if a scenario fails.
using System.Diagnostics;
using System.Globalization;
using SharedChannels;
using SharedChannels.Scenarios;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

ScenarioOptions options;
try
{
    options = ScenarioOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

long started = Stopwatch.GetTimestamp();
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
CancellationToken ct = cancellation.Token;

Console.WriteLine($"SharedChannels scenarios on {Machine.Describe()}");
TwoHosts? hosts = null;
try
{
    hosts = await TwoHosts.StartAsync(options.Configure, options.GroupCommit, ct);
    Console.WriteLine($"Started A at {hosts.A.Url} and B at {hosts.B.Url}, data in {hosts.Root}; channel shared from A to B.");

    await WarmUpAsync(hosts, ct);

    Console.WriteLine($"1. Catch-up of {options.Messages:N0} messages");
    string capturePath = Path.Combine(hosts.Root, "catch-up-bodies.bin");
    string snapshotPath = Path.Combine(hosts.Root, "durable-floor", "b-before-catch-up.db");
    CatchUpResult catchUp = await CatchUpScenario.RunAsync(hosts, options.Messages, capturePath, snapshotPath, quiet: false, ct);
    Console.WriteLine($"  {catchUp.Elapsed.TotalSeconds:0.00} s, {catchUp.MessagesPerSecond:N0} messages/s, peak working set {catchUp.PeakWorkingSetBytes / 1048576.0:0} MB");

    Console.WriteLine($"2. Live propagation of {options.LivePosts:N0} posts at {options.LiveRate}/s");
    LiveResult live = await LiveScenario.RunAsync(hosts, options.LivePosts, options.LiveRate, ct);
    Console.WriteLine($"  p50 {live.P50:0.00} ms, p99 {live.P99:0.00} ms");

    Console.WriteLine($"2b. Live propagation of {options.FastLivePosts:N0} posts at {options.FastLiveRate}/s");
    LiveResult fastLive = await LiveScenario.RunAsync(hosts, options.FastLivePosts, options.FastLiveRate, ct);
    Console.WriteLine($"  p50 {fastLive.P50:0.00} ms, p99 {fastLive.P99:0.00} ms");

    Console.WriteLine($"3. Floor: {catchUp.Batches:N0} captured sync bodies to a parse-only endpoint");
    FloorResult floor = await FloorScenario.RunAsync(capturePath, ct);
    Console.WriteLine($"  {floor.Elapsed.TotalSeconds:0.000} s");

    Console.WriteLine($"4. Durable floor: the same bodies to an endpoint that stores them in a copy of B's database taken before the catch-up, one transaction each");
    FloorResult durableFloor = await DurableFloorScenario.RunAsync(capturePath, snapshotPath, ct);
    Console.WriteLine($"  {durableFloor.Elapsed.TotalSeconds:0.000} s");

    await hosts.DisposeAsync();
    hosts = null;

    // What a Mattermost peer gets from the SDK: pages of MaxPostsPerSync posts, one request at a time. Two new hosts with
    // those settings (the JIT is warm already; one short warm-up cycle fills their caches and connections).
    // At most 100 000 messages: at a Mattermost peer's pace a million would take several minutes and show nothing more.
    ScenarioOptions mattermost = options.MattermostProfile;
    int mattermostMessages = Math.Min(options.Messages, 100_000);
    Console.WriteLine($"5. Catch-up of {mattermostMessages:N0} messages with the Mattermost profile ({mattermost.MaxPostsPerSyncToSdkPeers}-post pages, {mattermost.MaxSyncRequestsInFlight} request in flight)");
    hosts = await TwoHosts.StartAsync(mattermost.Configure, options.GroupCommit, ct);
    await WarmUpAsync(hosts, ct, maxCycles: 1);
    CatchUpResult mattermostCatchUp = await CatchUpScenario.RunAsync(hosts, mattermostMessages, Path.Combine(hosts.Root, "mattermost-bodies.bin"), snapshotPath: null, quiet: false, ct);
    Console.WriteLine($"  {mattermostCatchUp.Elapsed.TotalSeconds:0.00} s, {mattermostCatchUp.MessagesPerSecond:N0} messages/s");
    await hosts.DisposeAsync();
    hosts = null;

    Report.Print(options, catchUp, live, fastLive, floor, durableFloor, mattermostCatchUp, Stopwatch.GetElapsedTime(started));
    return 0;
}
catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or HttpRequestException or SharedChannelsException or IOException)
{
    Console.Error.WriteLine($"The scenarios failed: {ex.Message}");
    return 1;
}
finally
{
    if (hosts is not null)
    {
        await hosts.DisposeAsync();
    }
}

// Warm-up, not measured: every author posts once through the API (joining the channel; B learns the users), then whole
// catch-up cycles run (link cut, a backlog, link back), so that the JIT has compiled and tiered up the code the measured
// run uses. Without it, the JIT took a quarter of the first catch-up's time (see SCENARIOS.md). Cycles repeat until one
// compiles next to nothing: tiered compilation counts calls only once new code has stopped appearing for a while, so
// the first cycle mostly runs unoptimized code and the promotions to optimized code happen in the next ones. One cycle
// left them to the measured run (1,100 methods, 1.3 s of CPU at 500 posts per request).
static async Task WarmUpAsync(TwoHosts hosts, CancellationToken ct, int maxCycles = 5)
{
    const int WarmUpPosts = 40_000;
    TimeSpan warmJitTime = TimeSpan.FromSeconds(0.1);
    Task<long> greeted = hosts.Probe.Expect(hosts.AuthorIds.Count);
    foreach (string author in hosts.AuthorIds)
    {
        await hosts.ChatA.PostAsync(hosts.ChannelId, author, "hello", cancellationToken: ct);
    }

    await greeted.WaitAsync(TimeSpan.FromMinutes(1), ct);
    string warmUpCapture = Path.Combine(hosts.Root, "warm-up-bodies.bin");
    for (int cycle = 1; cycle <= maxCycles; cycle++)
    {
        CatchUpResult warmUp = await CatchUpScenario.RunAsync(hosts, WarmUpPosts, warmUpCapture, snapshotPath: null, quiet: true, ct);
        File.Delete(warmUpCapture);
        Console.WriteLine($"Warm-up {cycle}: a catch-up of {WarmUpPosts:N0} posts ({warmUp.MessagesPerSecond:N0} messages/s, JIT {warmUp.JitMethods:N0} methods, {warmUp.JitTime.TotalSeconds:0.00} s).");
        if (warmUp.JitTime < warmJitTime)
        {
            break;
        }
    }
}
