using NUnit.Framework;
using SharedChannels.Identity;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="IUserDirectory"/> must meet: users by id and by username, idempotent shadow users of
/// remote users, statuses, and the ordered, paged listing of local users for global user sync. Derive a fixture from
/// it, implement the abstract members, and the tests run against your port.
/// </summary>
/// <typeparam name="TDirectory">The implementation under test.</typeparam>
/// <remarks>
/// <para>
/// The port has no way to create local users or read statuses: the fixture does both through the host
/// (<see cref="AddLocalUserAsync"/>, <see cref="ReadStatusAsync"/>). The directory is created by a <c>[SetUp]</c>
/// method of this class, before the derived fixture's own; release what it holds in a <c>[TearDown]</c> method of
/// the derived fixture.
/// </para>
/// <para>Usernames are unique case-insensitively, as in Mattermost. Times are whole milliseconds.</para>
/// </remarks>
public abstract class UserDirectoryContractTests<TDirectory>
    where TDirectory : class, IUserDirectory
{
    private const string Peer = "peer1xxxxxxxxxxxxxxxxxxxxx";

    private TDirectory? _directory;

    /// <summary>Gets the directory under test: fresh and empty at the start of each test.</summary>
    /// <exception cref="InvalidOperationException">Read outside a test.</exception>
    protected TDirectory Directory => _directory ?? throw new InvalidOperationException("The directory is created before each test; read it inside a test.");

    /// <summary>Creates the directory under test before each test.</summary>
    /// <returns>A task that completes when the directory exists.</returns>
    [SetUp]
    public async Task CreateDirectoryBeforeEachTestAsync() => _directory = await CreateDirectoryAsync().ConfigureAwait(false);

    /// <summary>A local user is found by id.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetUserAsync_LocalUser_ReturnsIt()
    {
        ChatUser added = await AddLocalUserAsync("alice", ContractData.Time(1));

        ChatUser? stored = await Directory.GetUserAsync(added.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.Id, Is.EqualTo(added.Id));
            Assert.That(stored?.Username, Is.EqualTo("alice"));
            Assert.That(stored?.IsRemote, Is.False);
            Assert.That(stored?.UpdateAt, Is.EqualTo(ContractData.Time(1)));
        }
    }

    /// <summary>An unknown id is <see langword="null"/>.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task GetUserAsync_Unknown_ReturnsNull()
    {
        Assert.That(await Directory.GetUserAsync(ContractData.Id("nobody", 1)), Is.Null);
    }

    /// <summary>A username is found whatever its letter case, as the uniqueness rule compares it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task FindByUsernameAsync_OtherLetterCase_FindsTheUser()
    {
        ChatUser added = await AddLocalUserAsync("alice", ContractData.Time(1));

        ChatUser? exact = await Directory.FindByUsernameAsync("alice");
        ChatUser? upper = await Directory.FindByUsernameAsync("ALICE");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exact?.Id, Is.EqualTo(added.Id));
            Assert.That(upper?.Id, Is.EqualTo(added.Id));
        }
    }

    /// <summary>A shadow user is found by its local username; a username nobody has is <see langword="null"/>.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task FindByUsernameAsync_ShadowUserAndUnknown_FindsTheShadowOnly()
    {
        ChatUser remote = RemoteUser(1, "bob:acme");
        await Directory.UpsertRemoteUserAsync(remote);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await Directory.FindByUsernameAsync("bob:acme"))?.Id, Is.EqualTo(remote.Id));
            Assert.That(await Directory.FindByUsernameAsync("carol"), Is.Null);
        }
    }

    /// <summary>A shadow user reads back with its identity: id, local and remote username, owning connection, update time.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertRemoteUserAsync_NewUser_RoundTripsItsIdentity()
    {
        ChatUser remote = RemoteUser(1, "bob:acme");

        await Directory.UpsertRemoteUserAsync(remote);
        ChatUser? stored = await Directory.GetUserAsync(remote.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.Username, Is.EqualTo("bob:acme"));
            Assert.That(stored?.RemoteId, Is.EqualTo(Peer));
            Assert.That(stored?.IsRemote, Is.True);
            Assert.That(stored?.RemoteUsername, Is.EqualTo("bob"));
            Assert.That(stored?.UpdateAt, Is.EqualTo(ContractData.Time(1)));
        }
    }

    /// <summary>
    /// A shadow user reads back with its profile: names, nickname, position, bot flag and deactivation time. (Not
    /// <see cref="ChatUser.LastPictureUpdate"/>: a host may leave it <see langword="null"/> when it does not track it.)
    /// </summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertRemoteUserAsync_NewUser_RoundTripsItsProfile()
    {
        ChatUser remote = RemoteUser(1, "bob:acme") with
        {
            FirstName = "Bob",
            LastName = "Müller",
            Nickname = "bobby 🚀",
            Position = "Engineer",
            IsBot = true,
            DeleteAt = ContractData.Time(2),
        };

        await Directory.UpsertRemoteUserAsync(remote);
        ChatUser? stored = await Directory.GetUserAsync(remote.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.FirstName, Is.EqualTo("Bob"));
            Assert.That(stored?.LastName, Is.EqualTo("Müller"));
            Assert.That(stored?.Nickname, Is.EqualTo("bobby 🚀"));
            Assert.That(stored?.Position, Is.EqualTo("Engineer"));
            Assert.That(stored?.IsBot, Is.True);
            Assert.That(stored?.DeleteAt, Is.EqualTo(ContractData.Time(2)));
        }
    }

    /// <summary>Upserting the same shadow user twice, the second time changed, leaves one user in the second state.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task UpsertRemoteUserAsync_SameUserTwice_KeepsOneUserInTheLatestState()
    {
        ChatUser remote = RemoteUser(1, "bob:acme");
        await Directory.UpsertRemoteUserAsync(remote);
        await Directory.UpsertRemoteUserAsync(remote);

        await Directory.UpsertRemoteUserAsync(remote with { Username = "robert:acme", RemoteUsername = "robert", Nickname = "rob", UpdateAt = ContractData.Time(5) });
        ChatUser? stored = await Directory.GetUserAsync(remote.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.Username, Is.EqualTo("robert:acme"));
            Assert.That(stored?.Nickname, Is.EqualTo("rob"));
            Assert.That(stored?.UpdateAt, Is.EqualTo(ContractData.Time(5)));
            Assert.That(await Directory.FindByUsernameAsync("bob:acme"), Is.Null, "the old username is free again");
        }
    }

    /// <summary>A status set for a user is stored; setting it again replaces it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SetStatusAsync_TwiceForAUser_StoresTheLatest()
    {
        ChatUser remote = RemoteUser(1, "bob:acme");
        await Directory.UpsertRemoteUserAsync(remote);
        await Directory.SetStatusAsync(new UserStatus { UserId = remote.Id, Status = "away", LastActivityAt = ContractData.Time(1) });

        await Directory.SetStatusAsync(new UserStatus { UserId = remote.Id, Status = "dnd", Manual = true, LastActivityAt = ContractData.Time(2), DndEndTime = ContractData.Time(60) });
        UserStatus? stored = await ReadStatusAsync(remote.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored?.Status, Is.EqualTo("dnd"));
            Assert.That(stored?.Manual, Is.True);
            Assert.That(stored?.LastActivityAt, Is.EqualTo(ContractData.Time(2)));
            Assert.That(stored?.DndEndTime, Is.EqualTo(ContractData.Time(60)));
        }
    }

    /// <summary>Local users are listed in the order of (update time, id), without shadow users.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListLocalUsersAsync_FromTheStart_OrdersByUpdateTimeThenIdAndLeavesOutShadowUsers()
    {
        ChatUser late = await AddLocalUserAsync("late", ContractData.Time(3));
        ChatUser first = await AddLocalUserAsync("first", ContractData.Time(1));
        ChatUser tieA = await AddLocalUserAsync("tie-a", ContractData.Time(2));
        ChatUser tieB = await AddLocalUserAsync("tie-b", ContractData.Time(2));
        await Directory.UpsertRemoteUserAsync(RemoteUser(1, "bob:acme") with { UpdateAt = ContractData.Time(2) });

        IReadOnlyList<ChatUser> listed = await Directory.ListLocalUsersAsync(DateTimeOffset.MinValue, string.Empty, 100);

        string[] ties = [.. new[] { tieA.Id, tieB.Id }.Order(StringComparer.Ordinal)];
        Assert.That(listed.Select(u => u.Id), Is.EqualTo(new[] { first.Id, ties[0], ties[1], late.Id }));
    }

    /// <summary>Paging resumes after the last user of the previous page, across equal update times, with no user twice or left out.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListLocalUsersAsync_PageByPage_ListsEveryLocalUserOnce()
    {
        var added = new List<ChatUser>();
        for (int i = 0; i < 7; i++)
        {
            added.Add(await AddLocalUserAsync("user-" + i, ContractData.Time(i / 3)));
        }

        var listed = new List<string>();
        DateTimeOffset updatedAfter = DateTimeOffset.MinValue;
        string afterUserId = string.Empty;
        for (int pages = 0; ; pages++)
        {
            Assert.That(pages, Is.LessThan(8), "7 users in pages of 2 take 4 pages");
            IReadOnlyList<ChatUser> page = await Directory.ListLocalUsersAsync(updatedAfter, afterUserId, 2);
            Assert.That(page, Has.Count.LessThanOrEqualTo(2), "maxCount");
            if (page.Count == 0)
            {
                break;
            }

            listed.AddRange(page.Select(u => u.Id));
            (updatedAfter, afterUserId) = (page[^1].UpdateAt, page[^1].Id);
        }

        Assert.That(listed, Is.EqualTo(added.OrderBy(u => u.UpdateAt).ThenBy(u => u.Id, StringComparer.Ordinal).Select(u => u.Id)));
    }

    /// <summary>Users changed before the point, or at it with an id up to the given one, are not listed.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task ListLocalUsersAsync_AfterAPoint_ListsOnlyLaterUsers()
    {
        await AddLocalUserAsync("old", ContractData.Time(1));
        ChatUser newer = await AddLocalUserAsync("newer", ContractData.Time(3));

        IReadOnlyList<ChatUser> listed = await Directory.ListLocalUsersAsync(ContractData.Time(2), string.Empty, 100);
        IReadOnlyList<ChatUser> afterNewer = await Directory.ListLocalUsersAsync(newer.UpdateAt, newer.Id, 100);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listed.Select(u => u.Id), Is.EqualTo(new[] { newer.Id }));
            Assert.That(afterNewer, Is.Empty);
        }
    }

    /// <summary>Creates a fresh, empty directory. Called once before each test.</summary>
    /// <returns>The directory.</returns>
    protected abstract Task<TDirectory> CreateDirectoryAsync();

    /// <summary>Adds a local user to <see cref="Directory"/> the way the host creates its users.</summary>
    /// <param name="username">The username (unique in the test).</param>
    /// <param name="updateAt">The user's <see cref="ChatUser.UpdateAt"/>: the host's clock must read this time.</param>
    /// <returns>The user as stored, with the id the host gave it.</returns>
    protected abstract Task<ChatUser> AddLocalUserAsync(string username, DateTimeOffset updateAt);

    /// <summary>Reads the status stored for a user through the host, or <see langword="null"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <returns>The status.</returns>
    protected abstract Task<UserStatus?> ReadStatusAsync(string userId);

    private static ChatUser RemoteUser(int n, string username) => new()
    {
        Id = ContractData.Id("remote", n),
        Username = username,
        RemoteUsername = username.Split(':')[0],
        RemoteId = Peer,
        UpdateAt = ContractData.Time(1),
    };
}
