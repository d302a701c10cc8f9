using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// Which emoji this workspace can show as an image (<see cref="IEmojiCatalog"/>): a few system emoji and the rows of
/// <c>custom_emoji</c>. The SDK's <see cref="EmojiFallback"/> turns any other name into <c>:name:</c> text.
/// </summary>
/// <param name="database">The chat database.</param>
public sealed class SqliteEmojiCatalog(ChatDatabase database) : IEmojiCatalog
{
    /// <summary>The system emoji every workspace of this sample has (a real host has a few thousand).</summary>
    public static readonly IReadOnlySet<string> SystemEmoji = new HashSet<string>(StringComparer.Ordinal)
    {
        "+1", "-1", "smile", "laughing", "heart", "tada", "eyes", "rocket", "white_check_mark", "thumbsup",
    };

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        if (SystemEmoji.Contains(name))
        {
            return true;
        }

        await using SqliteConnection db = await database.OpenConnectionAsync(cancellationToken);
        return await db.ScalarAsync("SELECT 1 FROM custom_emoji WHERE name = $name;", cancellationToken, ("$name", name)) is not null;
    }
}
