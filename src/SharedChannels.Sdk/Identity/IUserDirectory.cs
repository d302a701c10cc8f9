namespace SharedChannels.Identity;

/// <summary>
/// Host port: the host's users. The SDK reads users to send them with their posts, and creates or updates local
/// shadow users for remote users (same id, a local username chosen by the SDK's
/// <see cref="UsernameCollisionPolicy"/>).
/// </summary>
public interface IUserDirectory
{
    /// <summary>Gets a user by id, or <see langword="null"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The user.</returns>
    ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Gets a user by username on this workspace, or <see langword="null"/>.</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The user.</returns>
    ValueTask<ChatUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Creates or updates a shadow user for a remote user. <see cref="ChatUser.Username"/> is already unique here.</summary>
    /// <param name="user">The user, with <see cref="ChatUser.RemoteId"/> set to the owning connection.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the user is stored.</returns>
    ValueTask UpsertRemoteUserAsync(ChatUser user, CancellationToken cancellationToken = default);

    /// <summary>Sets a remote user's status.</summary>
    /// <param name="status">The status.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the status is stored.</returns>
    ValueTask SetStatusAsync(UserStatus status, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists local users (not shadows of remote users), deactivated ones included, changed after a point, in the order
    /// of (<see cref="ChatUser.UpdateAt"/>, <see cref="ChatUser.Id"/>): for global user sync
    /// (<see cref="SharedChannelsOptions.SyncUsersOnConnectionOpen"/>), which sends them page by page and remembers
    /// where it stopped. Optional: the default throws <see cref="NotSupportedException"/>, and global user sync then
    /// logs that it cannot run.
    /// </summary>
    /// <param name="updatedAfter">Users changed after this time are listed, and those changed at this time whose id sorts (ordinally) after <paramref name="afterUserId"/>.</param>
    /// <param name="afterUserId">The id of the last user of the previous page, or the empty string for the first page.</param>
    /// <param name="maxCount">The most users to return.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>At most <paramref name="maxCount"/> users, in order; fewer when no more are left.</returns>
    ValueTask<IReadOnlyList<ChatUser>> ListLocalUsersAsync(DateTimeOffset updatedAfter, string afterUserId, int maxCount, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This IUserDirectory does not list users: implement ListLocalUsersAsync to use SyncUsersOnConnectionOpen.");

    /// <summary>
    /// Gets a local user's profile image, to send to peers, or <see langword="null"/> when the user has none. The SDK
    /// sends it after a batch that carries the user, when <see cref="ChatUser.LastPictureUpdate"/> is later than what
    /// that peer last received. The default implementation has no images, so none are sent.
    /// </summary>
    /// <param name="userId">A user of this workspace.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The image bytes (PNG, JPEG, GIF, BMP or WebP), or <see langword="null"/>.</returns>
    ValueTask<ReadOnlyMemory<byte>?> GetProfileImageAsync(string userId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);

    /// <summary>
    /// Stores the profile image a peer sent for one of its users. The SDK has checked that the user is a shadow user
    /// owned by that peer, that the bytes are within <see cref="SharedChannelsOptions.MaxProfileImageBytes"/> and that
    /// they start like an image (PNG, JPEG, GIF, BMP or WebP); the host may decode or re-encode them. The default
    /// implementation stores nothing and returns <see langword="false"/>, which the peer is told as "not implemented".
    /// </summary>
    /// <param name="userId">A remote user's shadow user.</param>
    /// <param name="image">The image bytes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the image was stored; <see langword="false"/> when this host keeps no images.</returns>
    ValueTask<bool> SetProfileImageAsync(string userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false);
}
