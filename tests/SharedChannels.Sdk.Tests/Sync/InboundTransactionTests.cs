using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Testing;
using SharedChannels.Identity;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Sync;

/// <summary>
/// The receiver seam (<see cref="IInboundTransactionFactory"/>): a message's writes go through the host's transaction,
/// which is committed before the peer is answered and discarded when applying fails; the SDK relays only after the
/// commit and tells the host which channels it reads back.
/// </summary>
public sealed class InboundTransactionTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Alice = "alice0000000000000000000aa";
    private const string Bob = "bob00000000000000000000aaa";

    [Test]
    public async Task RemoteReceivingPosts_WritesThroughTheHostTransaction_CommittedOncePerMessage()
    {
        BufferingTransactions? transactions = null;
        await using SharedChannelPair pair = await SharedChannelPair.StartAsync(remoteServices: services =>
            services.AddSingleton<IInboundTransactionFactory>(sp => transactions = new BufferingTransactions(sp.GetRequiredService<InMemoryChatContent>())));
        int begunBefore = transactions!.Begun;

        pair.Home.Content.CreatePost(pair.NewId(), Channel, SharedChannelPair.Alice, "one");
        pair.Home.Content.CreatePost(pair.NewId(), Channel, SharedChannelPair.Alice, "two");
        await pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pair.Remote.Content.GetPosts(Channel).Select(p => p.Message), Is.EquivalentTo(new[] { "one", "two" }));
            Assert.That(transactions.PostsWritten, Is.EqualTo(2), "every post went through a transaction's port");
            Assert.That(transactions.Begun, Is.GreaterThan(begunBefore));
            Assert.That(transactions.Committed, Is.EqualTo(transactions.Begun), "each transaction committed once");
            Assert.That(transactions.Disposed, Is.EqualTo(transactions.Begun), "and disposed");
            Assert.That(transactions.Contexts.Select(c => c.ConnectionId), Is.All.EqualTo(pair.ConnectionId));
            Assert.That(transactions.Contexts.Last().RecordsChanges(Channel), Is.False, "the channel is homed on the sender: its items are never read back here");
        }
    }

    [Test]
    public async Task RemoteReceivingPosts_WhenApplyingFailsMidMessage_StoresNothingAndTheResentMessageArrivesOnce()
    {
        BufferingTransactions? transactions = null;
        await using SharedChannelPair pair = await SharedChannelPair.StartAsync(remoteServices: services =>
            services.AddSingleton<IInboundTransactionFactory>(sp => transactions = new BufferingTransactions(sp.GetRequiredService<InMemoryChatContent>())));
        string? cursorBefore = await pair.CursorAsync();
        transactions!.FailOnPost = post => post.Message == "second";

        List<string> ids = await pair.WriteBacklogAsync(3, i => i == 1 ? "second" : $"post {i}");
        pair.Home.Sync.NotifyChannelChanged(Channel);
        await pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pair.PostIdsOnRemote(), Is.Empty, "the first post of the failed message was not committed either");
            Assert.That(await pair.CursorAsync(), Is.EqualTo(cursorBefore), "nothing was acknowledged");
            Assert.That(transactions.Disposed, Is.EqualTo(transactions.Begun), "the failed transaction was disposed");
        }

        transactions.FailOnPost = null;
        pair.Time.Advance(TimeSpan.FromMinutes(6));
        await pair.SettleAsync();

        Assert.That(pair.PostIdsOnRemote(), Is.EqualTo(ids), "each post once, in order, after the resend");
    }

    [Test]
    public async Task HomeReceivingFromOneRemote_RelaysToTheOtherOnlyAfterTheCommit()
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        BufferingTransactions? transactions = null;
        await using TestWorkspace home = await TestWorkspace.StartAsync("home", network, time, services: services =>
            services.AddSingleton<IInboundTransactionFactory>(sp => transactions = new BufferingTransactions(sp.GetRequiredService<InMemoryChatContent>())));
        await using TestWorkspace r1 = await TestWorkspace.StartAsync("r1", network, time);
        await using TestWorkspace r2 = await TestWorkspace.StartAsync("r2", network, time);
        string toR1 = await home.ConnectToAsync(r1, "r1");
        string toR2 = await home.ConnectToAsync(r2, "r2");
        home.Content.AddLocalUser(Alice, "alice");
        home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", Type = ChannelType.Open, TeamId = "team" });
        await home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, toR1);
        await home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, toR2);
        await TestWorkspace.SettleAsync(home, r1, r2);

        // The home's commit of r1's message is held until the home's workers are idle: had the SDK woken the worker
        // toward r2 before the commit, that worker would have read nothing new and gone idle, and r2 would never get
        // the post.
        var commitEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transactions!.BeforeCommit = async () =>
        {
            commitEntered.TrySetResult();
            await releaseCommit.Task;
        };
        r1.Content.AddLocalUser(Bob, "bob");
        r1.Content.CreatePost("post0000000000000000000bob", Channel, Bob, "from r1");
        await commitEntered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await home.Sync.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(r2.Content.GetPosts(Channel).Select(p => p.Message), Does.Not.Contain("from r1"), "nothing relayed before the commit");
        transactions.BeforeCommit = null;
        releaseCommit.SetResult();
        await TestWorkspace.SettleAsync(home, r1, r2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(r2.Content.GetPosts(Channel).Select(p => p.Message), Does.Contain("from r1"), "relayed to r2");
            Assert.That(transactions.Contexts.Where(c => c.ConnectionId == toR1).Select(c => c.RecordsChanges(Channel)), Is.All.True, "the home reads r1's items back to relay them");
            Assert.That(transactions.Committed, Is.EqualTo(transactions.Begun));
            Assert.That(toR2, Is.Not.EqualTo(toR1));
        }
    }

    [Test]
    public async Task GroupCommit_PipelinedMessagesOfOneConnection_ShareATransactionAndAreAnsweredOnlyAfterItsCommit()
    {
        await using GroupCommitRun run = await GroupCommitRun.StartAsync();
        SharedChannelPair pair = run.Pair;
        string? cursorBefore = await pair.CursorAsync();
        int begunBefore = run.Transactions.Begun;

        List<string> ids = await run.SendBacklogWhileTheFirstCommitIsHeldAsync(8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await pair.CursorAsync(), Is.EqualTo(cursorBefore), "nothing is acknowledged while its commit is pending");
            Assert.That(pair.PostIdsOnRemote(), Is.EqualTo(new[] { run.First }), "nothing of the held messages is visible");
        }

        await run.ReleaseCommitAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pair.PostIdsOnRemote(), Is.EqualTo(ids.Prepend(run.First)), "each post once, in order");
            Assert.That(run.Transactions.Begun - begunBefore, Is.LessThan(4), "at least one transaction carried several of the 4 messages");
            Assert.That(run.Transactions.LargestGroup, Is.GreaterThan(2).And.LessThanOrEqualTo(8), "posts of more than one message in one commit");
            Assert.That(await pair.CursorAsync(), Is.EqualTo(await pair.LatestCursorAsync()));
        }
    }

    [Test]
    public async Task GroupCommit_OneMessageOfAGroupFails_TheOthersAreCommittedAndTheFailedOneIsResent()
    {
        await using GroupCommitRun run = await GroupCommitRun.StartAsync();
        int failures = 0;
        run.Transactions.FailOnPost = post => post.Message == "backlog 2" && Interlocked.Increment(ref failures) == 1;

        List<string> ids = await run.SendBacklogWhileTheFirstCommitIsHeldAsync(8);
        await run.ReleaseCommitAsync();
        run.Pair.Time.Advance(TimeSpan.FromMinutes(6));
        await run.Pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.GreaterThanOrEqualTo(1), "the failure happened");
            Assert.That(run.Pair.PostIdsOnRemote(), Is.EqualTo(ids.Prepend(run.First)), "each post once, in order, the failed one after its resend");
            Assert.That(run.Transactions.Disposed, Is.EqualTo(run.Transactions.Begun), "every transaction ended, the failed one without its commit");
            Assert.That(run.Transactions.Committed, Is.LessThan(run.Transactions.Begun), "one transaction was not committed");
        }
    }

    /// <summary>
    /// A pair whose remote commits in groups of up to 8 messages, the home sending pages of 2 posts with 4 in flight;
    /// Alice's first post is already synced (it introduces her, so later pages may overtake each other).
    /// </summary>
    private sealed class GroupCommitRun : IAsyncDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private GroupCommitRun(SharedChannelPair pair, BufferingTransactions transactions, string first) =>
            (Pair, Transactions, First) = (pair, transactions, first);

        public SharedChannelPair Pair { get; }

        public BufferingTransactions Transactions { get; }

        public string First { get; }

        public static async Task<GroupCommitRun> StartAsync()
        {
            BufferingTransactions? transactions = null;
            SharedChannelPair pair = await SharedChannelPair.StartAsync(
                homeOptions: o => (o.MaxPostsPerSync, o.MaxPostsPerSyncToSdkPeers, o.MaxSyncRequestsInFlight) = (2, 2, 4),
                remoteServices: services => services.AddSingleton<IInboundTransactionFactory>(sp =>
                    transactions = new BufferingTransactions(sp.GetRequiredService<InMemoryChatContent>()) { MaxMessagesPerTransaction = 8 }));
            string first = pair.NewId();
            pair.Home.Content.CreatePost(first, Channel, SharedChannelPair.Alice, "first");
            await pair.SettleAsync();
            return new GroupCommitRun(pair, transactions!, first);
        }

        /// <summary>Writes a backlog and returns once 4 messages are on their way, the first held in its commit.</summary>
        public async Task<List<string>> SendBacklogWhileTheFirstCommitIsHeldAsync(int posts)
        {
            var commitEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Transactions.BeforeCommit = async () =>
            {
                commitEntered.TrySetResult();
                await _release.Task;
            };
            List<string> ids = await Pair.WriteBacklogAsync(posts);
            int attemptedBefore = Pair.HomeTransport.Attempted.Count;
            Pair.Home.Sync.NotifyChannelChanged(Channel);
            await commitEntered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Polling.WaitUntilAsync(
                "4 messages on their way while the first commit is held",
                _ => Task.FromResult(Pair.HomeTransport.Attempted.Count - attemptedBefore >= 4),
                _ => Task.CompletedTask);
            return ids;
        }

        public async Task ReleaseCommitAsync()
        {
            Transactions.BeforeCommit = null;
            _release.TrySetResult();
            await Pair.SettleAsync();
        }

        public ValueTask DisposeAsync() => Pair.DisposeAsync();
    }

    /// <summary>
    /// A host transaction in memory: writes are kept until <see cref="IInboundTransaction.CommitAsync"/> applies them to
    /// the workspace's content, and dropped when the transaction is disposed without a commit. Reads go to the content
    /// (the receiver remembers what a message itself stored, so it does not need to read its own writes back).
    /// </summary>
    private sealed class BufferingTransactions(InMemoryChatContent content) : IInboundTransactionFactory
    {
        private int _begun;
        private int _committed;
        private int _disposed;
        private int _postsWritten;
        private int _largestGroup;

        public InMemoryChatContent Content { get; } = content;

        public Func<Post, bool>? FailOnPost { get; set; }

        public int MaxMessagesPerTransaction { get; init; } = 1;

        /// <summary>Gets the most posts one committed transaction stored, which is the most messages it carried here (one post each).</summary>
        public int LargestGroup => Volatile.Read(ref _largestGroup);

        /// <summary>Gets or sets what each commit awaits before it applies the writes.</summary>
        public Func<Task>? BeforeCommit { get; set; }

        public int Begun => Volatile.Read(ref _begun);

        public int Committed => Volatile.Read(ref _committed);

        public int Disposed => Volatile.Read(ref _disposed);

        public int PostsWritten => Volatile.Read(ref _postsWritten);

        public List<InboundTransactionContext> Contexts { get; } = [];

        public ValueTask<IInboundTransaction> BeginTransactionAsync(InboundTransactionContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _begun);
            lock (Contexts)
            {
                Contexts.Add(context);
            }

            return ValueTask.FromResult<IInboundTransaction>(new Transaction(this));
        }

        private sealed class Transaction(BufferingTransactions owner) : IInboundTransaction
        {
            private readonly List<Func<ValueTask>> _writes = [];
            private int _postsInThis;

            public void CountPost() => Interlocked.Increment(ref _postsInThis);

            public IChannelContent Content => field ??= new Writes(owner, this);

            public IUserDirectory Users => field ??= new Writes(owner, this);

            public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
            {
                if (owner.BeforeCommit is { } hold)
                {
                    await hold();
                }

                foreach (Func<ValueTask> write in _writes)
                {
                    await write();
                }

                int posts = Volatile.Read(ref _postsInThis);
                int largest;
                while (posts > (largest = Volatile.Read(ref owner._largestGroup)) && Interlocked.CompareExchange(ref owner._largestGroup, posts, largest) != largest)
                {
                }

                _writes.Clear();
                Interlocked.Increment(ref owner._committed);
            }

            public ValueTask DisposeAsync()
            {
                _writes.Clear();
                Interlocked.Increment(ref owner._disposed);
                return ValueTask.CompletedTask;
            }

            public void Add(Func<ValueTask> write) => _writes.Add(write);
        }

        private sealed class Writes(BufferingTransactions owner, Transaction transaction) : IChannelContent, IUserDirectory
        {
            private InMemoryChatContent Inner => owner.Content;

            public ValueTask<ChannelInfo?> GetChannelAsync(string channelId, CancellationToken cancellationToken = default) => Inner.GetChannelAsync(channelId, cancellationToken);

            public ValueTask CreateChannelAsync(ChannelInfo channel, string teamId, CancellationToken cancellationToken = default) => Buffer(() => Inner.CreateChannelAsync(channel, teamId, cancellationToken));

            public ValueTask<string> GetLatestCursorAsync(string channelId, CancellationToken cancellationToken = default) => Inner.GetLatestCursorAsync(channelId, cancellationToken);

            public ValueTask<ChannelChanges> ReadChangesAsync(string channelId, string? cursor, int maxPosts, CancellationToken cancellationToken = default) => Inner.ReadChangesAsync(channelId, cursor, maxPosts, cancellationToken);

            public ValueTask<Post?> GetPostAsync(string postId, CancellationToken cancellationToken = default) => Inner.GetPostAsync(postId, cancellationToken);

            public ValueTask<IReadOnlyDictionary<string, Post>> GetPostsAsync(IReadOnlyCollection<string> postIds, CancellationToken cancellationToken = default) => Inner.GetPostsAsync(postIds, cancellationToken);

            public ValueTask<Reaction?> GetReactionAsync(string postId, string userId, string emojiName, CancellationToken cancellationToken = default) => Inner.GetReactionAsync(postId, userId, emojiName, cancellationToken);

            public ValueTask<MembershipChange?> GetLatestMembershipChangeAsync(string channelId, string userId, CancellationToken cancellationToken = default) => Inner.GetLatestMembershipChangeAsync(channelId, userId, cancellationToken);

            public ValueTask UpsertPostAsync(Post post, CancellationToken cancellationToken = default)
            {
                if (owner.FailOnPost?.Invoke(post) == true)
                {
                    throw new InvalidOperationException("the host's storage failed");
                }

                Interlocked.Increment(ref owner._postsWritten);
                transaction.CountPost();
                return Buffer(() => Inner.UpsertPostAsync(post, cancellationToken));
            }

            public ValueTask UpsertReactionAsync(Reaction reaction, CancellationToken cancellationToken = default) => Buffer(() => Inner.UpsertReactionAsync(reaction, cancellationToken));

            public ValueTask UpsertAcknowledgementAsync(Acknowledgement acknowledgement, CancellationToken cancellationToken = default) => Buffer(() => Inner.UpsertAcknowledgementAsync(acknowledgement, cancellationToken));

            public ValueTask ApplyMembershipChangeAsync(MembershipChange change, CancellationToken cancellationToken = default) => Buffer(() => Inner.ApplyMembershipChangeAsync(change, cancellationToken));

            public ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default) => Inner.GetUserAsync(userId, cancellationToken);

            public ValueTask<ChatUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default) => Inner.FindByUsernameAsync(username, cancellationToken);

            public ValueTask UpsertRemoteUserAsync(ChatUser user, CancellationToken cancellationToken = default) => Buffer(() => Inner.UpsertRemoteUserAsync(user, cancellationToken));

            public ValueTask SetStatusAsync(UserStatus status, CancellationToken cancellationToken = default) => Buffer(() => Inner.SetStatusAsync(status, cancellationToken));

            private ValueTask Buffer(Func<ValueTask> write)
            {
                transaction.Add(write);
                return ValueTask.CompletedTask;
            }
        }
    }
}
