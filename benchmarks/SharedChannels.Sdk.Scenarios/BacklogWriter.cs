using System.Globalization;
using Microsoft.Data.Sqlite;
using SharedChannels.Samples.Chat;
using SharedChannels.Sync;

namespace SharedChannels.Scenarios;

/// <summary>
/// Writes a backlog of posts on A the way the sample's <c>ChatService</c> stores a post (a <c>posts</c> row and its
/// <c>changes</c> entry in the same transaction), but thousands per transaction, then notifies the SDK after each commit
/// as the service does. Writing through the chat API would take minutes for a million posts and measure the wrong thing:
/// the scenario is about moving the backlog, not about how fast a host can accept posts.
/// </summary>
internal static class BacklogWriter
{
    private const int PostsPerTransaction = 10_000;

    // Typical chat lines: 40 to 120 characters, no mentions (they would add username lookups to every batch).
    private static readonly string[] Texts =
    [
        "Deploy finished, dashboards look green.",
        "Can someone review the migration before lunch? It touches the billing tables.",
        "Standup moved to 10:30 today because of the all-hands; same room as usual.",
        "I pushed a fix for the flaky login test, it was a race between the token refresh and the redirect.",
        "Thanks!",
        "The customer confirmed the issue is gone after the patch, closing the ticket now.",
    ];

    /// <summary>Writes <paramref name="count"/> posts by <paramref name="authorIds"/> (in turn) in a channel of A.</summary>
    public static async Task WriteAsync(ChatDatabase database, SharedChannelSync sync, string channelId, IReadOnlyList<string> authorIds, int count, CancellationToken cancellationToken)
    {
        long firstAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - count;
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        using SqliteCommand post = db.CreateCommand();
        post.CommandText =
            "INSERT INTO posts (id, channel_id, user_id, root_id, message, type, create_at, update_at, is_pinned, file_ids) " +
            "VALUES ($id, $channel_id, $user_id, '', $message, '', $at, $at, 0, '');";
        SqliteParameter postId = post.Parameters.Add("$id", SqliteType.Text);
        post.Parameters.AddWithValue("$channel_id", channelId);
        SqliteParameter userId = post.Parameters.Add("$user_id", SqliteType.Text);
        SqliteParameter message = post.Parameters.Add("$message", SqliteType.Text);
        SqliteParameter at = post.Parameters.Add("$at", SqliteType.Integer);

        using SqliteCommand change = db.CreateCommand();
        change.CommandText = "INSERT INTO changes (channel_id, kind, post_id) VALUES ($channel_id, 'post', $post_id);";
        change.Parameters.AddWithValue("$channel_id", channelId);
        SqliteParameter changedPost = change.Parameters.Add("$post_id", SqliteType.Text);

        for (int written = 0; written < count;)
        {
            int end = Math.Min(count, written + PostsPerTransaction);
            using (SqliteTransaction transaction = db.BeginTransaction(deferred: false))
            {
                post.Transaction = transaction;
                change.Transaction = transaction;
                for (; written < end; written++)
                {
                    string id = Ids.NewId();
                    postId.Value = id;
                    userId.Value = authorIds[written % authorIds.Count];
                    message.Value = string.Create(CultureInfo.InvariantCulture, $"#{written + 1}: {Texts[written % Texts.Length]}");
                    at.Value = firstAt + written;
                    await post.ExecuteNonQueryAsync(cancellationToken);
                    changedPost.Value = id;
                    await change.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            sync.NotifyChannelChanged(channelId);
        }
    }

    /// <summary>Counts a channel's posts in a host's database (to check the outcome, outside the measured time).</summary>
    public static async Task<long> CountPostsAsync(ChatDatabase database, string channelId, CancellationToken cancellationToken)
    {
        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        using SqliteCommand count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM posts WHERE channel_id = $channel_id AND type = '';";
        count.Parameters.AddWithValue("$channel_id", channelId);
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
