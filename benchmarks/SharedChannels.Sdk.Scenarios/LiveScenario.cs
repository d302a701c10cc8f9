using System.Diagnostics;

namespace SharedChannels.Scenarios;

/// <summary>
/// Live propagation: posts go to A's chat API at a steady rate, each on its schedule whether or not the previous one
/// was answered (an open loop, so a slow answer delays no later post's start and hides no latency). A post's latency
/// runs from just before its request is sent to A until B's database has committed it (<see cref="ArrivalProbe"/>).
/// </summary>
internal static class LiveScenario
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task<LiveResult> RunAsync(TwoHosts hosts, int posts, int rate, CancellationToken cancellationToken)
    {
        await hosts.WhenIdleAsync(cancellationToken);
        (double fsyncP50, double fsyncP99) = DiskProbe.MeasureFsync(hosts.Root);
        hosts.Probe.ClearArrivals();
        hosts.Probe.KeepArrivalTimes = true;
        Task<long> lastStored = hosts.Probe.Expect(posts);

        var sends = new Task<(string PostId, long SentAt, long AnsweredAt)>[posts];
        long interval = Stopwatch.Frequency / rate;
        long start = Stopwatch.GetTimestamp();
        using (Progress.Report("  live posts", () => hosts.Probe.Stored, posts))
        {
            for (int i = 0; i < posts; i++)
            {
                TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start + (i * interval));
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, TimeProvider.System, cancellationToken);
                }

                sends[i] = SendAsync(hosts, i, cancellationToken);
            }

            double achievedRate = posts / Stopwatch.GetElapsedTime(start).TotalSeconds;
            (string PostId, long SentAt, long AnsweredAt)[] sent = await Task.WhenAll(sends);
            await lastStored.WaitAsync(Timeout, cancellationToken);
            hosts.Probe.KeepArrivalTimes = false;

            double[] latencies = [.. sent.Select(s => Stopwatch.GetElapsedTime(s.SentAt, hosts.Probe.Arrivals[s.PostId]).TotalMilliseconds).Order()];
            double[] api = [.. sent.Select(s => Stopwatch.GetElapsedTime(s.SentAt, s.AnsweredAt).TotalMilliseconds).Order()];
            return new LiveResult(posts, rate, achievedRate, latencies, api, fsyncP50, fsyncP99);
        }
    }

    private static async Task<(string PostId, long SentAt, long AnsweredAt)> SendAsync(TwoHosts hosts, int i, CancellationToken cancellationToken)
    {
        string author = hosts.AuthorIds[i % hosts.AuthorIds.Count];
        long sentAt = Stopwatch.GetTimestamp();
        Samples.Api.PostView post = await hosts.ChatA.PostAsync(hosts.ChannelId, author, $"live post {i + 1}: is everyone seeing this in real time?", cancellationToken: cancellationToken);
        return (post.Id, sentAt, Stopwatch.GetTimestamp());
    }
}
