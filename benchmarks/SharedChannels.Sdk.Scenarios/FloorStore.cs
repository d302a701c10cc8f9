using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SharedChannels.Scenarios;

/// <summary>
/// The durable floor's writer (see <see cref="DurableFloorScenario"/>): one long-lived connection with the sample's
/// inbound writer settings and three prepared upserts; each sync message is one <c>BEGIN IMMEDIATE</c> transaction.
/// </summary>
internal sealed class FloorStore : IAsyncDisposable
{
    private const string Remote = "durablefloorremote00000000";
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _user;
    private readonly SqliteCommand _post;
    private readonly SqliteCommand _reaction;

    private FloorStore(SqliteConnection connection)
    {
        _connection = connection;
        _user = Command(
            """
            INSERT INTO users (id, username, first_name, last_name, nickname, position, is_bot, update_at, delete_at, remote_id, remote_username)
            VALUES ($id, $username, $first_name, $last_name, $nickname, $position, $is_bot, $update_at, $delete_at, $remote_id, $username)
            ON CONFLICT (id) DO UPDATE SET
                first_name = excluded.first_name, last_name = excluded.last_name, nickname = excluded.nickname,
                position = excluded.position, update_at = excluded.update_at, delete_at = excluded.delete_at;
            """,
            "$id", "$username", "$first_name", "$last_name", "$nickname", "$position", "$is_bot", "$update_at", "$delete_at", "$remote_id");
        _post = Command(
            """
            INSERT INTO posts (id, channel_id, user_id, root_id, message, type, create_at, update_at, edit_at, delete_at, is_pinned, file_ids, remote_id)
            VALUES ($id, $channel_id, $user_id, $root_id, $message, $type, $create_at, $update_at, $edit_at, $delete_at, $is_pinned, $file_ids, $remote_id)
            ON CONFLICT (id) DO UPDATE SET
                message = excluded.message, type = excluded.type, update_at = excluded.update_at, edit_at = excluded.edit_at,
                delete_at = excluded.delete_at, is_pinned = excluded.is_pinned, file_ids = excluded.file_ids, remote_id = excluded.remote_id;
            """,
            "$id", "$channel_id", "$user_id", "$root_id", "$message", "$type", "$create_at", "$update_at", "$edit_at", "$delete_at", "$is_pinned", "$file_ids", "$remote_id");
        _reaction = Command(
            """
            INSERT INTO reactions (post_id, user_id, emoji_name, channel_id, create_at, update_at, delete_at, remote_id)
            VALUES ($post_id, $user_id, $emoji_name, $channel_id, $create_at, $update_at, $delete_at, $remote_id)
            ON CONFLICT (post_id, user_id, emoji_name) DO UPDATE SET
                update_at = excluded.update_at, delete_at = excluded.delete_at, remote_id = excluded.remote_id;
            """,
            "$post_id", "$user_id", "$emoji_name", "$channel_id", "$create_at", "$update_at", "$delete_at", "$remote_id");
    }

    public static async Task<FloorStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        using (SqliteCommand settings = connection.CreateCommand())
        {
            // The sample's connection settings and its inbound writer's page cache; durability is SQLite's default (FULL).
            settings.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -16384;";
            await settings.ExecuteNonQueryAsync(cancellationToken);
        }

        return new FloorStore(connection);
    }

    /// <summary>Stores one sync message's users, posts and reactions in one transaction.</summary>
    public async Task SaveAsync(JsonElement message, CancellationToken cancellationToken)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        _user.Transaction = _post.Transaction = _reaction.Transaction = transaction;
        if (message.TryGetProperty("users", out JsonElement users) && users.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty user in users.EnumerateObject())
            {
                JsonElement u = user.Value;
                await RunAsync(_user, cancellationToken, Text(u, "id"), Text(u, "username"), Text(u, "first_name"), Text(u, "last_name"), Text(u, "nickname"), Text(u, "position"),
                    Flag(u, "is_bot"), Number(u, "update_at"), Optional(u, "delete_at"), Remote);
            }
        }

        foreach (JsonElement p in Items(message, "posts"))
        {
            string fileIds = p.TryGetProperty("file_ids", out JsonElement files) && files.ValueKind == JsonValueKind.Array
                ? string.Join(',', files.EnumerateArray().Select(f => f.GetString()))
                : string.Empty;
            await RunAsync(_post, cancellationToken, Text(p, "id"), Text(p, "channel_id"), Text(p, "user_id"), Text(p, "root_id"), Text(p, "message"), Text(p, "type"),
                Number(p, "create_at"), Number(p, "update_at"), Optional(p, "edit_at"), Optional(p, "delete_at"), Flag(p, "is_pinned"), fileIds, Remote);
        }

        string channelId = Text(message, "channel_id");
        foreach (JsonElement r in Items(message, "reactions"))
        {
            await RunAsync(_reaction, cancellationToken, Text(r, "post_id"), Text(r, "user_id"), Text(r, "emoji_name"), channelId,
                Number(r, "create_at"), Number(r, "update_at"), Optional(r, "delete_at"), Remote);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _user.Dispose();
        _post.Dispose();
        _reaction.Dispose();
        await _connection.DisposeAsync();
    }

    private static JsonElement[] Items(JsonElement message, string name) =>
        message.TryGetProperty(name, out JsonElement items) && items.ValueKind == JsonValueKind.Array ? [.. items.EnumerateArray()] : [];

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static long Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    // Mattermost writes 0 for "never"; the sample stores NULL.
    private static object Optional(JsonElement item, string name) => Number(item, name) is > 0 and long at ? at : DBNull.Value;

    private static long Flag(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.True ? 1 : 0;

    private static async Task RunAsync(SqliteCommand command, CancellationToken cancellationToken, params object[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }
}
