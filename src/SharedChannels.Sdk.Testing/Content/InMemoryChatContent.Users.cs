using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Testing;

/// <content>The <see cref="IUserDirectory"/> port.</content>
public sealed partial class InMemoryChatContent
{
    // ---- IUserDirectory ----

    /// <inheritdoc />
    public ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_users.GetValueOrDefault(userId));
        }
    }

    /// <inheritdoc />
    public ValueTask<ChatUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_users.Values.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase)));
        }
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>?> GetProfileImageAsync(string userId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(_profileImages.TryGetValue(userId, out byte[]? image) ? image : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> SetProfileImageAsync(string userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _profileImages[userId] = image.ToArray();
        }

        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public ValueTask UpsertRemoteUserAsync(ChatUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            _users[user.Id] = user;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ChatUser>> ListLocalUsersAsync(DateTimeOffset updatedAfter, string afterUserId, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(afterUserId);
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<ChatUser>>([.. _users.Values
                .Where(u => !u.IsRemote && (u.UpdateAt > updatedAfter || (u.UpdateAt == updatedAfter && string.CompareOrdinal(u.Id, afterUserId) > 0)))
                .OrderBy(u => u.UpdateAt).ThenBy(u => u.Id, StringComparer.Ordinal)
                .Take(maxCount)]);
        }
    }

    /// <inheritdoc />
    public ValueTask SetStatusAsync(UserStatus status, CancellationToken cancellationToken = default)
    {
        SetLocalStatus(status);
        return ValueTask.CompletedTask;
    }
}
