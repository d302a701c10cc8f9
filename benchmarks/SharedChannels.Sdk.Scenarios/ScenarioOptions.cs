using System.Globalization;

namespace SharedChannels.Scenarios;

/// <summary>
/// The command line: <c>[--messages N] [--live-posts N] [--rate N] [--fast-posts N] [--fast-rate N] [--max-posts-per-sync N]
/// [--max-posts-per-sync-to-sdk-peers N] [--in-flight N] [--group-commit N]</c>.
/// </summary>
internal sealed record ScenarioOptions
{
    /// <summary>Gets the backlog written on A while B is down (catch-up and floor).</summary>
    public int Messages { get; init; } = 100_000;

    /// <summary>Gets the posts of the live propagation scenario.</summary>
    public int LivePosts { get; init; } = 2_000;

    /// <summary>Gets the steady rate of the live posts, per second.</summary>
    public int LiveRate { get; init; } = 200;

    /// <summary>Gets the rate of the second, fast live run, per second.</summary>
    public int FastLiveRate { get; init; } = 2_000;

    /// <summary>Gets the posts of the fast live run.</summary>
    public int FastLivePosts { get; init; } = 10_000;

    /// <summary>Gets the SDK's <c>MaxPostsPerSync</c> on both hosts; 50 is the SDK's (and Mattermost's) default.</summary>
    public int MaxPostsPerSync { get; init; } = SharedChannelsOptions.DefaultMaxPostsPerSync;

    /// <summary>Gets the SDK's <c>MaxPostsPerSyncToSdkPeers</c> on both hosts (the hosts are SDK peers of each other).</summary>
    public int MaxPostsPerSyncToSdkPeers { get; init; } = SharedChannelsOptions.DefaultMaxPostsPerSyncToSdkPeers;

    /// <summary>Gets the SDK's <c>MaxSyncRequestsInFlight</c> on both hosts.</summary>
    public int MaxSyncRequestsInFlight { get; init; } = SharedChannelsOptions.DefaultMaxSyncRequestsInFlight;

    /// <summary>
    /// Gets the <c>MaxMessagesPerTransaction</c> of B's receiver seam, overriding the sample's own; <see langword="null"/>
    /// keeps the sample's.
    /// </summary>
    public int? GroupCommit { get; init; }

    /// <summary>
    /// Gets these options as a Mattermost peer gets them from the SDK: pages of <see cref="MaxPostsPerSync"/> posts and
    /// one request at a time.
    /// </summary>
    public ScenarioOptions MattermostProfile => this with { MaxPostsPerSyncToSdkPeers = MaxPostsPerSync, MaxSyncRequestsInFlight = 1 };

    /// <summary>Applies these settings to a host's SDK options.</summary>
    public void Configure(SharedChannelsOptions sdk)
    {
        ArgumentNullException.ThrowIfNull(sdk);
        sdk.MaxPostsPerSync = MaxPostsPerSync;
        sdk.MaxPostsPerSyncToSdkPeers = MaxPostsPerSyncToSdkPeers;
        sdk.MaxSyncRequestsInFlight = MaxSyncRequestsInFlight;
    }

    public static string Usage =>
        "usage: dotnet run -c Release --project benchmarks/SharedChannels.Sdk.Scenarios -- " +
        "[--messages N (100000)] [--live-posts N (2000)] [--rate posts/s (200)] [--fast-posts N (10000)] [--fast-rate posts/s (2000)] [--max-posts-per-sync N (50)] " +
        "[--max-posts-per-sync-to-sdk-peers N (500)] [--in-flight N (4)] [--group-commit N (the sample's)]";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the usage for anything else.</summary>
    public static ScenarioOptions Parse(string[] args)
    {
        var options = new ScenarioOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            {
                throw new ArgumentException($"'{name}' needs a positive whole number. {Usage}");
            }

            i++;
            options = name switch
            {
                "--messages" => options with { Messages = value },
                "--live-posts" => options with { LivePosts = value },
                "--rate" => options with { LiveRate = value },
                "--fast-posts" => options with { FastLivePosts = value },
                "--fast-rate" => options with { FastLiveRate = value },
                "--max-posts-per-sync" => options with { MaxPostsPerSync = value },
                "--max-posts-per-sync-to-sdk-peers" => options with { MaxPostsPerSyncToSdkPeers = value },
                "--in-flight" => options with { MaxSyncRequestsInFlight = value },
                "--group-commit" => options with { GroupCommit = value },
                _ => throw new ArgumentException($"Unknown option '{name}'. {Usage}"),
            };
        }

        return options;
    }
}
