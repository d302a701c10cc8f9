using System.Globalization;
using BenchmarkDotNet.Attributes;
using SharedChannels.Identity;
using SharedChannels.Identity.Internal;

namespace SharedChannels.Benchmarks;

/// <summary>
/// Choosing the local username of a remote user on a workspace with 1,000,000 users, under both
/// <see cref="UsernameCollisionPolicy"/> values. The loop is the receiver's (<c>SyncReceiver.ChooseUsernameAsync</c>):
/// try <see cref="UsernameRenamer.Candidates"/> in order, asking the host's <see cref="IUserDirectory"/> whether each
/// is taken, and fall back to the user id when all 26 are.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="FreeName"/> (baseline): <c>newcomer</c> is free, so the first candidate wins (one lookup).</item>
/// <item><see cref="CollidingName"/>: <c>john</c>, <c>john:acme</c> and <c>john-2:acme</c> … <c>john-5:acme</c> are
/// taken: 7 lookups under SuffixOnCollision, 6 under AlwaysSuffix.</item>
/// <item><see cref="EveryCandidateTaken"/>: every candidate for <c>busy</c> is taken: 26 (or 25) lookups, then the
/// id-based fallback.</item>
/// </list>
/// The directory is a case-insensitive hash set that answers synchronously with one shared user object, so the
/// numbers are the SDK's cost (candidate generation and the lookups' hashing), not a database's.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
public class UsernameRenamingBenchmarks
{
    private const int ExistingUsers = 1_000_000;
    private const string ConnectionName = "acme";
    private const string UserId = "remoteuser0000000000000001";

    private HashSetUserDirectory _directory = null!;

    [Params(UsernameCollisionPolicy.SuffixOnCollision, UsernameCollisionPolicy.AlwaysSuffix)]
    public UsernameCollisionPolicy Policy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var taken = new List<string> { "john", UsernameRenamer.Munge("john", ConnectionName, string.Empty, UsernameRenamer.MaxUsernameLength) };
        taken.AddRange(Enumerable.Range(2, 4).Select(n => UsernameRenamer.Munge("john", ConnectionName, n.ToString(CultureInfo.InvariantCulture), UsernameRenamer.MaxUsernameLength)));
        taken.AddRange(UsernameRenamer.Candidates("busy", ConnectionName, UsernameCollisionPolicy.SuffixOnCollision));

        var usernames = new HashSet<string>(ExistingUsers, StringComparer.OrdinalIgnoreCase);
        usernames.UnionWith(taken);
        for (int i = 0; usernames.Count < ExistingUsers; i++)
        {
            usernames.Add("user." + i.ToString(CultureInfo.InvariantCulture));
        }

        _directory = new HashSetUserDirectory(usernames);
    }

    [Benchmark(Baseline = true)]
    public ValueTask<string> FreeName() => ChooseUsernameAsync("newcomer");

    [Benchmark]
    public ValueTask<string> CollidingName() => ChooseUsernameAsync("john");

    [Benchmark]
    public ValueTask<string> EveryCandidateTaken() => ChooseUsernameAsync("busy");

    // The same loop as SyncReceiver.ChooseUsernameAsync.
    private async ValueTask<string> ChooseUsernameAsync(string remoteUsername)
    {
        foreach (string candidate in UsernameRenamer.Candidates(remoteUsername, ConnectionName, Policy))
        {
            ChatUser? holder = await _directory.FindByUsernameAsync(candidate);
            if (holder is null || holder.Id == UserId)
            {
                return candidate;
            }
        }

        return UsernameRenamer.Munge(UserId, ConnectionName, string.Empty, UsernameRenamer.MaxUsernameLength);
    }

    /// <summary>A directory that only knows which usernames are taken.</summary>
    private sealed class HashSetUserDirectory(HashSet<string> usernames) : IUserDirectory
    {
        private static readonly ChatUser Holder = new() { Id = "localuser00000000000000001", Username = "someone" };

        public ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default) => default;

        public ValueTask<ChatUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default) =>
            new(usernames.Contains(username) ? Holder : null);

        public ValueTask UpsertRemoteUserAsync(ChatUser user, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask SetStatusAsync(UserStatus status, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
