using SharedChannels.Identity;

namespace SharedChannels.Content.Internal;

/// <summary>
/// What the SDK uses in place of a host port the host did not register, so a host that only uses secure connections
/// need not implement them: every member, including those an interface implements by default, throws an
/// <see cref="SharedChannelsErrorCode.InvalidState"/> exception saying what to register. Registered with
/// <c>TryAddSingleton</c>, so the host's registration (a builder's <c>Use…</c> method or its own) wins.
/// </summary>
internal static class UnregisteredPorts
{
    /// <summary>Creates the exception reporting that <typeparamref name="TPort"/> is not registered.</summary>
    /// <typeparam name="TPort">The port the host did not register.</typeparam>
    /// <param name="registration">The builder method that registers it, such as <c>UseChannelContent&lt;T&gt;()</c>.</param>
    /// <returns>The exception to throw.</returns>
    public static SharedChannelsException NotRegistered<TPort>(string registration)
        where TPort : class =>
        new(
            SharedChannelsErrorCode.InvalidState,
            $"No {typeof(TPort).Name} is registered. Shared channels need the host to implement it: register it with {registration} on the shared channels builder (see docs/sync.md).");
}

/// <summary>The <see cref="IChannelContent"/> of a host that registered none (see <see cref="UnregisteredPorts"/>).</summary>
internal sealed class UnregisteredChannelContent : IChannelContent
{
    private static SharedChannelsException NotRegistered() => UnregisteredPorts.NotRegistered<IChannelContent>("UseChannelContent<T>()");

    /// <inheritdoc />
    public ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default) => throw NotRegistered();
}

/// <summary>The <see cref="IUserDirectory"/> of a host that registered none (see <see cref="UnregisteredPorts"/>).</summary>
internal sealed class UnregisteredUserDirectory : IUserDirectory
{
    private static SharedChannelsException NotRegistered() => UnregisteredPorts.NotRegistered<IUserDirectory>("UseUserDirectory<T>()");

    /// <inheritdoc />
    public ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<ChatUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask UpsertRemoteUserAsync(ChatUser user, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask SetStatusAsync(UserStatus status, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ChatUser>> ListLocalUsersAsync(DateTimeOffset updatedAfter, string afterUserId, int maxCount, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>?> GetProfileImageAsync(string userId, CancellationToken cancellationToken = default) => throw NotRegistered();

    /// <inheritdoc />
    public ValueTask<bool> SetProfileImageAsync(string userId, ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default) => throw NotRegistered();
}

/// <summary>The <see cref="ISystemMessages"/> of a host that registered none (see <see cref="UnregisteredPorts"/>).</summary>
internal sealed class UnregisteredSystemMessages : ISystemMessages
{
    /// <inheritdoc />
    public ValueTask PostAsync(string channelId, string message, CancellationToken cancellationToken = default) =>
        throw UnregisteredPorts.NotRegistered<ISystemMessages>("UseSystemMessages<T>()");
}

/// <summary>The <see cref="IEmojiCatalog"/> of a host that registered none (see <see cref="UnregisteredPorts"/>).</summary>
internal sealed class UnregisteredEmojiCatalog : IEmojiCatalog
{
    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        throw UnregisteredPorts.NotRegistered<IEmojiCatalog>("UseEmojiCatalog<T>()");
}
