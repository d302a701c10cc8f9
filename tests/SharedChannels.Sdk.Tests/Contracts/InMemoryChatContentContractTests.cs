using SharedChannels.Identity;
using SharedChannels.Testing;

namespace SharedChannels.Tests.Contracts;

/// <summary>The in-memory workspace is the reference host: its content port passes the contract every host's must.</summary>
public sealed class InMemoryChannelContentContractTests : ChannelContentContractTests<InMemoryChatContent>
{
    protected override Task<InMemoryChatContent> CreateContentAsync() => Task.FromResult(new InMemoryChatContent());
}

/// <summary>The in-memory workspace's user directory passes the contract every host's must.</summary>
public sealed class InMemoryUserDirectoryContractTests : UserDirectoryContractTests<InMemoryChatContent>
{
    private readonly SettableClock _clock = new();
    private int _users;

    protected override Task<InMemoryChatContent> CreateDirectoryAsync() => Task.FromResult(new InMemoryChatContent(_clock));

    protected override Task<ChatUser> AddLocalUserAsync(string username, DateTimeOffset updateAt)
    {
        _clock.Now = updateAt;
        return Task.FromResult(Directory.AddLocalUser(("local" + Interlocked.Increment(ref _users)).PadRight(26, 'x'), username));
    }

    protected override Task<UserStatus?> ReadStatusAsync(string userId) => Task.FromResult(Directory.GetStatus(userId));

    /// <summary>A clock that reads whatever it is set to, backwards included (users are created at chosen times).</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>The in-memory workspace's file port passes the contract every host's must.</summary>
public sealed class InMemoryFileContentContractTests : FileContentContractTests<InMemoryChatContent>
{
    protected override Task<InMemoryChatContent> CreateFileContentAsync() => Task.FromResult(new InMemoryChatContent());
}
