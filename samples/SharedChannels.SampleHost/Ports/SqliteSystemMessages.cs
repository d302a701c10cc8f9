using Microsoft.Data.Sqlite;
using SharedChannels.Content;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Samples.Ports;

/// <summary>
/// Posts the SDK's notices ("This channel is no longer shared.") as system posts of type
/// <see cref="PostTypes.SharedChannelsSystemMessage"/>. They are not written to the change log, so they stay on this
/// workspace (the SDK would also drop any <c>system_*</c> post from a batch).
/// </summary>
/// <param name="database">The chat database.</param>
/// <param name="timeProvider">The clock.</param>
public sealed class SqliteSystemMessages(ChatDatabase database, TimeProvider timeProvider) : ISystemMessages
{
    /// <inheritdoc />
    public async ValueTask PostAsync(string channelId, string message, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        var post = new Post
        {
            Id = Ids.NewId(),
            ChannelId = channelId,
            UserId = string.Empty,
            Message = message,
            Type = PostTypes.SharedChannelsSystemMessage,
            CreateAt = now,
            UpdateAt = now,
        };
        await using SqliteConnection db = await database.OpenForWriteAsync(cancellationToken);
        await ChatTables.SavePostAsync(db, post, cancellationToken);
    }
}
