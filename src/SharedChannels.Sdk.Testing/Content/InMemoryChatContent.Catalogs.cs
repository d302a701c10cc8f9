using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Testing;

/// <content>The <see cref="ISystemMessages"/>, <see cref="IFileContent"/> and <see cref="IEmojiCatalog"/> ports.</content>
public sealed partial class InMemoryChatContent
{
    // ---- ISystemMessages ----

    /// <inheritdoc />
    public ValueTask PostAsync(string channelId, string message, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        var post = new Post { Id = NewSystemMessageId(), ChannelId = channelId, UserId = string.Empty, Message = message, Type = SystemMessageType, CreateAt = now, UpdateAt = now };
        lock (_gate)
        {
            _posts[post.Id] = post;
        }

        return ValueTask.CompletedTask;
    }

    // ---- IFileContent ----

    /// <inheritdoc />
    public ValueTask<FileAttachment?> GetFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_files.TryGetValue(fileId, out var entry) ? entry.File : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> ReadContentAsync(string fileId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(_files[fileId].Content);
        }
    }

    /// <inheritdoc />
    public ValueTask SaveFileAsync(FileAttachment file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        AddFile(file, content.ToArray());
        return ValueTask.CompletedTask;
    }

    // ---- IEmojiCatalog ----

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(SystemEmoji.Contains(name) || _customEmoji.Contains(name));
        }
    }

    // A Mattermost-shaped id (26 lower-case letters or digits): system messages never leave this workspace.
    private static string NewSystemMessageId() => Guid.NewGuid().ToString("N")[..26];
}
