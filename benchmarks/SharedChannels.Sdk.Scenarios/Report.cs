using System.Globalization;

namespace SharedChannels.Scenarios;

/// <summary>The table for people, then one <c>METRIC name=value</c> line per figure (always last, for scripts).</summary>
internal static class Report
{
    private const double MiB = 1024 * 1024;

    public static void Print(ScenarioOptions options, CatchUpResult catchUp, LiveResult live, LiveResult fastLive, FloorResult floor, FloorResult durableFloor, CatchUpResult mattermost, TimeSpan total)
    {
        double floorRatio = catchUp.Elapsed.TotalSeconds / floor.Elapsed.TotalSeconds;
        double durableFloorRatio = catchUp.Elapsed.TotalSeconds / durableFloor.Elapsed.TotalSeconds;
        double peakMb = catchUp.PeakWorkingSetBytes / MiB;
        string memoryTarget = options.Messages >= 1_000_000 ? "< 150 MB" : "< 150 MB at 1M";

        Console.WriteLine();
        string groupCommit = options.GroupCommit is { } messages ? messages.ToString(CultureInfo.InvariantCulture) : "as the sample";
        Console.WriteLine($"Results: {options.Messages:N0} messages, MaxPostsPerSync {options.MaxPostsPerSync} (to SDK peers {options.MaxPostsPerSyncToSdkPeers}), {options.MaxSyncRequestsInFlight} in flight, group commit {groupCommit}, {live.Posts:N0} live posts at {live.TargetRate}/s");
        Console.WriteLine($"Machine: {Machine.Describe()}");
        Console.WriteLine();
        Row("figure", "value", "target", "status");
        Row(new string('-', 44), new string('-', 16), new string('-', 16), new string('-', 6));
        Row("catch-up: messages/s", $"{catchUp.MessagesPerSecond:N0}", ">= 50,000", Status(catchUp.MessagesPerSecond >= 50_000));
        Row("catch-up: time", $"{catchUp.Elapsed.TotalSeconds:0.00} s", string.Empty, string.Empty);
        Row("catch-up: cores busy (of " + Environment.ProcessorCount + ")", $"{catchUp.CoresBusy:0.00}", string.Empty, string.Empty);
        Row("catch-up: JIT meanwhile (methods / time)", $"{catchUp.JitMethods:N0} / {catchUp.JitTime.TotalSeconds:0.00} s", string.Empty, string.Empty);
        Row("catch-up: peak working set (both hosts)", $"{peakMb:0} MB", memoryTarget, options.Messages >= 1_000_000 ? Status(peakMb < 150) : string.Empty);
        Row("catch-up: managed heap peak / retained", $"{catchUp.PeakManagedHeapBytes / MiB:0} / {catchUp.RetainedManagedBytes / MiB:0} MB", string.Empty, string.Empty);
        Row("catch-up: SQLite's allocations, peak", $"{catchUp.PeakSqliteBytes / MiB:0} MB", string.Empty, string.Empty);
        Row("catch-up: B in a transaction (of the time)", $"{catchUp.ReceiverBusy * 100:0} %", string.Empty, string.Empty);
        Row("catch-up: B per transaction, apply / commit", $"{catchUp.Receiver.ApplyMsPerTransaction:0.00} / {catchUp.Receiver.CommitMsPerTransaction:0.00} ms", string.Empty, string.Empty);
        Row("catch-up: B transactions / sync requests", $"{catchUp.Receiver.Transactions:N0} / {catchUp.Batches:N0}", string.Empty, string.Empty);
        Row("catch-up: sync requests / avg body", $"{catchUp.Batches:N0} / {catchUp.BatchBytes / Math.Max(1, catchUp.Batches) / 1024.0:0.0} KB", string.Empty, string.Empty);
        Row("live: p50 post on A -> stored on B", $"{live.P50:0.00} ms", string.Empty, string.Empty);
        Row("live: p95", $"{live.P95:0.00} ms", string.Empty, string.Empty);
        Row("live: p99", $"{live.P99:0.00} ms", "< 15 ms", Status(live.P99 < 15));
        Row("live: max", $"{live.Max:0.00} ms", string.Empty, string.Empty);
        Row("live: rate sent", $"{live.AchievedRate:0}/s", $"{live.TargetRate}/s", string.Empty);
        Row("live: of which A's chat API p50 / p99", $"{live.ApiP50:0.00} / {live.ApiP99:0.00} ms", string.Empty, string.Empty);
        Row("live: context, disk fsync p50 / p99", $"{live.FsyncP50Ms:0.00} / {live.FsyncP99Ms:0.00} ms", string.Empty, string.Empty);
        Row($"fast live ({fastLive.TargetRate}/s): p50", $"{fastLive.P50:0.00} ms", string.Empty, string.Empty);
        Row("fast live: p99", $"{fastLive.P99:0.00} ms", "< 50 ms", Status(fastLive.P99 < 50));
        Row("fast live: max", $"{fastLive.Max:0.00} ms", string.Empty, string.Empty);
        Row("fast live: rate sent", $"{fastLive.AchievedRate:0}/s", $"{fastLive.TargetRate}/s", string.Empty);
        Row("fast live: of which A's chat API p50 / p99", $"{fastLive.ApiP50:0.00} / {fastLive.ApiP99:0.00} ms", string.Empty, string.Empty);
        Row("floor: same bodies, parse only", $"{floor.Elapsed.TotalSeconds:0.000} s", string.Empty, string.Empty);
        Row("floor: messages/s", $"{catchUp.Messages / floor.Elapsed.TotalSeconds:N0}", string.Empty, string.Empty);
        Row("floor_ratio (catch-up time / floor)", $"{floorRatio:0.00}", string.Empty, string.Empty);
        Row("durable floor: same bodies stored in SQLite", $"{durableFloor.Elapsed.TotalSeconds:0.000} s", string.Empty, string.Empty);
        Row("durable floor: messages/s", $"{catchUp.Messages / durableFloor.Elapsed.TotalSeconds:N0}", string.Empty, string.Empty);
        Row("durable_floor_ratio (catch-up / durable floor)", $"{durableFloorRatio:0.00}", "<= 1.5", Status(durableFloorRatio <= 1.5));
        Row("Mattermost profile: catch-up messages/s", $"{mattermost.MessagesPerSecond:N0}", string.Empty, string.Empty);
        Row("Mattermost profile: requests / B per message", $"{mattermost.Batches:N0} / {mattermost.Receiver.ApplyMsPerTransaction:0.00} + {mattermost.Receiver.CommitMsPerTransaction:0.00} ms", string.Empty, string.Empty);
        Console.WriteLine();
        Console.WriteLine($"Total run time {total.TotalSeconds:0} s.");
        Console.WriteLine();

        Metric("catchup_msgs_per_s", catchUp.MessagesPerSecond, "0");
        Metric("catchup_peak_mb", peakMb, "0.0");
        Metric("live_p50_ms", live.P50, "0.00");
        Metric("live_p99_ms", live.P99, "0.00");
        Metric("live_fast_p99_ms", fastLive.P99, "0.00");
        Metric("floor_ratio", floorRatio, "0.00");
        Metric("durable_floor_ratio", durableFloorRatio, "0.00");
        Metric("catchup_mm_profile_msgs_per_s", mattermost.MessagesPerSecond, "0");
    }

    private static string Status(bool met) => met ? "met" : "MISSED";

    private static void Row(string figure, string value, string target, string status) =>
        Console.WriteLine($"{figure,-44} {value,16} {target,16} {status}");

    private static void Metric(string name, double value, string format) =>
        Console.WriteLine($"METRIC {name}={value.ToString(format, CultureInfo.InvariantCulture)}");
}
