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
}
