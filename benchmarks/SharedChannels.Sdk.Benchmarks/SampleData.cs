using System.Globalization;
using SharedChannels.Content;

namespace SharedChannels.Benchmarks;

/// <summary>Deterministic ids and posts shaped like real chat traffic.</summary>
internal static class SampleData
{
    /// <summary>The channel every sample post is in.</summary>
    public const string ChannelId = "town0000000000000000000000";

    private static readonly string[] Messages =
    [
        "Morning all, the deploy window moved to 14:00 UTC; ping @alice if your service is not ready.",
        "Looks good to me. Merging once CI is green.",
        "Can someone from the other workspace confirm they see this thread? Café meeting moved to Thursday ✓",
        "The incident is resolved: root cause was an expired certificate on the edge proxy. Write-up to follow in the postmortem doc.",
        "👍",
        "Reminder: quarterly planning doc is due Friday. Please add your team's priorities under section 3 and flag anything that needs cross-team help.",
    ];

    /// <summary>A 26-character lower-case id (the shape the wire requires): <paramref name="prefix"/> then a zero-padded number.</summary>
    public static string Id(string prefix, long number) =>
        prefix + number.ToString(CultureInfo.InvariantCulture).PadLeft(26 - prefix.Length, '0');

    /// <summary>The author ids used by <see cref="Posts"/>.</summary>
    public static string[] Authors { get; } = [.. Enumerable.Range(0, 5).Select(i => Id("user", i))];

    /// <summary>
    /// <paramref name="count"/> posts by five authors: every fifth is a reply to the post before it, every tenth has
    /// a file, message lengths vary from one emoji to a paragraph, some with non-ASCII text.
    /// </summary>
    public static List<Post> Posts(int count, long firstNumber, DateTimeOffset createdFrom, string? remoteId = null)
    {
        var posts = new List<Post>(count);
        for (int i = 0; i < count; i++)
        {
            DateTimeOffset at = createdFrom.AddMilliseconds(i);
            posts.Add(new Post
            {
                Id = Id("post", firstNumber + i),
                ChannelId = ChannelId,
                UserId = Authors[i % Authors.Length],
                RootId = i % 5 == 4 ? Id("post", firstNumber + i - 1) : string.Empty,
                Message = Messages[i % Messages.Length],
                CreateAt = at,
                UpdateAt = at,
                FileIds = i % 10 == 9 ? [Id("file", firstNumber + i)] : [],
                RemoteId = remoteId,
            });
        }

        return posts;
    }
}
