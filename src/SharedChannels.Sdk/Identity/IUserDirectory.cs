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
}
