using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Testing;
using SharedChannels.Testing.Chaos;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>
/// Three workspaces on one loopback network, each behind its own <see cref="FaultInjectingTransport"/>: a home H
/// sharing channel C1 with remotes R1 and R2, and R1 sharing its channel C2 with H. Users on every side post,
/// reply, edit, delete, react and join or leave, chosen by a seeded random generator, while the network misbehaves,
/// sites are partitioned and SDK instances crash and restart on their SQLite files.
/// </summary>
internal sealed class ChaosRun : IAsyncDisposable
{
    public const string HomeChannel = "chaoshomechannel0000000001";
    public const string RemoteChannel = "chaosr1channel000000000002";

    private const int UsersPerWorkspace = 3;
    private const int MaxHealRounds = 40;
    private static readonly string[] Emoji = ["smile", "+1", "heart", "tada", "eyes", "rocket", "party_parrot"];
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly ChaosSettings _settings;
    private readonly Random _random;
    private readonly Random _operations;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly LoopbackNetwork _network = new();
    private readonly string _directory;
    private readonly Dictionary<string, ChaosWorkspace[]> _sides = [];
    private readonly Dictionary<string, ChaosWorkspace> _homes = [];
    private readonly Dictionary<string, HashSet<string>> _created = [];
    private readonly Dictionary<ChaosWorkspace, int> _restartAt = [];
    private readonly Dictionary<ChaosWorkspace, int> _partitionedUntil = [];
    private readonly SortedSet<int> _crashAt = [];
    private readonly Dictionary<ChaosWorkspace, (string PostId, string UserId, string Emoji)> _lastReaction = [];
    private long _nextId;

    public ChaosRun(ChaosSettings settings)
    {
        _settings = settings;

        // Two streams: the disruption schedule never depends on what was synced, and each operation draws a fixed
        // number of values, so a replay with the same seed stays aligned even where thread timing differs.
        _random = new Random(settings.Seed);
        _operations = new Random(unchecked((settings.Seed * 7919) + 17));
        _directory = Path.Combine(Path.GetTempPath(), "sharedchannels-chaos", $"{settings.Seed}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);

        FaultOptions Faults(int index) => new()
        {
            Seed = unchecked((settings.Seed * 31) + index),
            DropBeforeSendProbability = 0.04,
            DropAfterDeliveryProbability = 0.04,
            DuplicateProbability = 0.04,
            DelayProbability = 0.05,
            ReorderProbability = 0.04,
            ServerErrorProbability = 0.04,
            MaxDelay = TimeSpan.FromMilliseconds(4),
            MaxReorderHold = TimeSpan.FromMilliseconds(30),
        };

        Home = Workspace("h", 1);
        R1 = Workspace("r1", 2);
        R2 = Workspace("r2", 3);
        All = [Home, R1, R2];
        _sides[HomeChannel] = [Home, R1, R2];
        _sides[RemoteChannel] = [R1, Home];
        _homes[HomeChannel] = Home;
        _homes[RemoteChannel] = R1;
        _created[HomeChannel] = [];
        _created[RemoteChannel] = [];

        ChaosWorkspace Workspace(string name, int index) =>
            new(name, _directory, _network, _time, new FaultInjectingTransport(new LoopbackTransport(_network), Faults(index)), new ChaosLogProvider(name), Impatient);

        // A short send timeout on the SDK's clock: senders regularly give up on requests still held on the wire,
        // which then arrive after the retry that replaced them (late delivery).
        static void Impatient(SharedChannelsOptions o) => o.SendTimeout = TimeSpan.FromSeconds(2);
    }

    public ChaosWorkspace Home { get; }

    public ChaosWorkspace R1 { get; }

    public ChaosWorkspace R2 { get; }

    public IReadOnlyList<ChaosWorkspace> All { get; }

    public SortedDictionary<string, int> OperationCounts { get; } = new(StringComparer.Ordinal);

    public int Crashes { get; private set; }

    public int Partitions { get; private set; }

    public int TimeJumps { get; private set; }

    public int HealRounds { get; private set; }

    public bool Converged { get; private set; }

    public TimeSpan OperatingTime { get; private set; }

    public TimeSpan ConvergenceTime { get; private set; }

    public TimeSpan FakeTimeElapsed => _time.GetUtcNow() - Start;

    public FaultStatistics Faults => FaultStatistics.Sum(All.Select(w => w.Transport.Statistics));

    public IReadOnlyDictionary<string, HashSet<string>> CreatedPosts => _created;

    /// <summary>Connects the workspaces and shares the channels, with faults off.</summary>
    public async Task SetUpAsync()
    {
        foreach (ChaosWorkspace workspace in All)
        {
            workspace.Transport.IsInjecting = false;
            for (int n = 1; n <= UsersPerWorkspace; n++)
            {
                workspace.AddLocalUser(n);
            }

            await workspace.StartAsync();
        }

        string toR1 = await ConnectAsync(Home, R1);
        string toR2 = await ConnectAsync(Home, R2);
        Home.Content.AddChannel(new ChannelInfo { Id = HomeChannel, Name = "chaos-home", DisplayName = "Chaos at home", Type = ChannelType.Open, TeamId = "team-h" });
        R1.Content.AddChannel(new ChannelInfo { Id = RemoteChannel, Name = "chaos-r1", DisplayName = "Chaos at r1", Type = ChannelType.Open, TeamId = "team-r1" });
        await Home.Sharing.InviteAsync(Home.AdminId, HomeChannel, toR1);
        await Home.Sharing.InviteAsync(Home.AdminId, HomeChannel, toR2);
        await R1.Sharing.InviteAsync(R1.AdminId, RemoteChannel, toR1);
        await SettleAsync(TimeSpan.FromSeconds(30));

        int crashes = Math.Max(5, _settings.Operations / 120);
        while (_crashAt.Count < crashes)
        {
            _crashAt.Add(_random.Next(_settings.Operations / 20, _settings.Operations * 9 / 10));
        }

        foreach (ChaosWorkspace workspace in All)
        {
            workspace.Transport.IsInjecting = true;
        }
    }

    /// <summary>Runs the operations under faults, partitions and crashes.</summary>
    public async Task OperateAsync()
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < _settings.Operations; i++)
        {
            await DisruptAsync(i);
            ChaosWorkspace workspace = Pick(All.Where(w => w.IsUp).ToList(), _operations.NextDouble());
            string channelId = Pick(_sides.Where(s => s.Value.Contains(workspace)).Select(s => s.Key).ToList(), _operations.NextDouble());
            string kind = await OperateAsync(workspace, channelId, i);
            OperationCounts[kind] = OperationCounts.GetValueOrDefault(kind) + 1;

            _time.Advance(TimeSpan.FromMilliseconds(_random.Next(1, 250)));
            await PaceAsync();
        }

        OperatingTime = clock.Elapsed;
    }

    /// <summary>Restarts whatever is down, heals the network and drives catch-up until every side agrees, or gives up.</summary>
    /// <returns>The differences left (empty when converged).</returns>
    public async Task<IReadOnlyList<ChaosDifference>> HealAndConvergeAsync()
    {
        var clock = Stopwatch.StartNew();
        foreach (ChaosWorkspace workspace in All)
        {
            if (!workspace.IsUp)
            {
                await workspace.StartAsync();
            }

            workspace.Transport.Heal();
        }

        _partitionedUntil.Clear();
        await Task.WhenAll(All.Select(w => w.Transport.ReleaseHeldAsync()));

        IReadOnlyList<ChaosDifference> differences = [];
        for (HealRounds = 1; HealRounds <= MaxHealRounds; HealRounds++)
        {
            foreach (ChaosWorkspace workspace in All)
            {
                foreach (string channelId in _sides.Where(s => s.Value.Contains(workspace)).Select(s => s.Key))
                {
                    workspace.Sync.NotifyChannelChanged(channelId);
                }
            }

            await Task.WhenAll(All.Select(w => w.Monitor.PingAllAsync())).WaitAsync(TimeSpan.FromSeconds(30));
            await SettleAsync(TimeSpan.FromSeconds(30));
            differences = Compare();
            if (differences.Count == 0)
            {
                Converged = true;
                break;
            }

            // Workers that backed off after a refusal wait out their delay on the SDK's clock.
            _time.Advance(TimeSpan.FromSeconds(40));
        }

        HealRounds = Math.Min(HealRounds, MaxHealRounds);
        ConvergenceTime = clock.Elapsed;
        return differences;
    }

    /// <summary>Lists every difference between each side's view of each shared channel and the home's.</summary>
    public IReadOnlyList<ChaosDifference> Compare()
    {
        var differences = new List<ChaosDifference>();
        foreach ((string channelId, ChaosWorkspace[] sides) in _sides)
        {
            ChaosWorkspace home = _homes[channelId];
            ChannelView expected = ChannelView.Of(home.Content, channelId);
            foreach (string missing in _created[channelId].Where(id => !expected.Posts.ContainsKey(id)).Take(10))
            {
                differences.Add(new ChaosDifference("post", $"{channelId}: post {missing} was created but the home {home} does not have it"));
            }

            foreach (ChaosWorkspace side in sides.Where(s => s != home))
            {
                differences.AddRange(expected.Differences(ChannelView.Of(side.Content, channelId), $"{channelId} {home} vs {side}"));
            }
        }

        return differences;
    }

    /// <summary>The run's figures on one line.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"seed={_settings.Seed} operations={_settings.Operations} crashes={Crashes} partitions={Partitions} clock-jumps={TimeJumps} heal-rounds={HealRounds}{(Converged ? string.Empty : " (not converged)")} operating={OperatingTime.TotalSeconds:0.0}s convergence={ConvergenceTime.TotalSeconds:0.00}s fake-time={FakeTimeElapsed.TotalSeconds:0}s");

    public async ValueTask DisposeAsync()
    {
        foreach (ChaosWorkspace workspace in All)
        {
            workspace.Transport.Heal();
        }

        foreach (ChaosWorkspace workspace in All)
        {
            try
            {
                await workspace.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                await TestContext.Out.WriteLineAsync($"{workspace} did not stop in time: {ex.GetType().Name}");
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A zombie connection of a crashed instance may still hold a file; the temp folder is cleaned later.
        }
    }

    private static async Task<string> ConnectAsync(ChaosWorkspace inviter, ChaosWorkspace invitee)
    {
        ConnectionInvitation invitation = await inviter.Connections.CreateAsync(inviter.AdminId, new CreateConnectionRequest { Name = invitee.Name, Password = "chaos-password" });
        await invitee.Connections.AcceptAsync(invitee.AdminId, new AcceptInvitationRequest { Name = inviter.Name, InvitationCode = invitation.InvitationCode, Password = "chaos-password" });
        return invitation.Connection.Id;
    }

    /// <summary>Crashes and restarts hosts, partitions and heals sites, and sometimes jumps the clock.</summary>
    private async Task DisruptAsync(int operation)
    {
        foreach ((ChaosWorkspace workspace, int at) in _restartAt.ToList())
        {
            if (operation >= at)
            {
                _restartAt.Remove(workspace);
                await workspace.StartAsync();
            }
        }

        foreach ((ChaosWorkspace workspace, int until) in _partitionedUntil.ToList())
        {
            if (operation >= until)
            {
                _partitionedUntil.Remove(workspace);
                SetPartitioned(workspace, false);
            }
        }

        if (_crashAt.Contains(operation) && All.Where(w => w.IsUp).ToList() is { Count: > 1 } up)
        {
            // In the middle of batches: work was just queued, and the crash does not wait for anything.
            ChaosWorkspace victim = Pick(up);
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(0, 3)));
            await victim.CrashAsync();
            Crashes++;
            _restartAt[victim] = operation + _random.Next(0, 40);
        }

        if (_random.NextDouble() < 0.01 && _partitionedUntil.Count == 0)
        {
            ChaosWorkspace isolated = Pick(All);
            SetPartitioned(isolated, true);
            _partitionedUntil[isolated] = operation + _random.Next(10, 80);
            Partitions++;
        }

        if (_random.NextDouble() < 0.01)
        {
            // Long enough for pings, retry delays and (sometimes) send timeouts to fire.
            _time.Advance(TimeSpan.FromSeconds(_random.Next(5, 75)));
            TimeJumps++;
        }
    }

    private void SetPartitioned(ChaosWorkspace isolated, bool partitioned)
    {
        foreach (ChaosWorkspace other in All.Where(w => w != isolated))
        {
            if (partitioned)
            {
                other.Transport.Partition(isolated.SiteUrl);
                isolated.Transport.Partition(other.SiteUrl);
            }
            else
            {
                other.Transport.Heal(isolated.SiteUrl);
                isolated.Transport.Heal(other.SiteUrl);
            }
        }
    }

    /// <summary>One user action on one workspace; returns its kind.</summary>
    private async Task<string> OperateAsync(ChaosWorkspace workspace, string channelId, int operation)
    {
        InMemoryChatContent content = workspace.Content;
        string user = Pick(workspace.LocalUsers, _operations.NextDouble());
        int roll = _operations.Next(100);
        double target = _operations.NextDouble();
        string emoji = Pick(Emoji, _operations.NextDouble());
        IReadOnlyList<Post> posts = content.GetPosts(channelId);
        List<Post> live = [.. posts.Where(p => !p.IsDeleted)];
        List<Post> mine = [.. live.Where(p => workspace.LocalUsers.Contains(p.UserId))];
        switch (roll)
        {
            case < 12 when live.Where(p => !p.IsReply).ToList() is { Count: > 0 } roots:
            {
                Post root = Pick(roots, target);
                Create(content, channelId, user, $"reply {operation} from {workspace}", root.Id);
                return "reply";
            }

            case >= 12 and < 27 when mine.Count > 0:
                content.EditPost(Pick(mine, target).Id, $"edit {operation} on {workspace}");
                return "edit";

            case >= 27 and < 32 when mine.Count > 0:
                content.DeletePost(Pick(mine, target).Id);
                return "delete";

            case >= 32 and < 50 when live.Count > 0:
            {
                string postId = Pick(live, target).Id;
                content.AddReaction(postId, user, emoji);
                _lastReaction[workspace] = (postId, user, emoji);
                return "reaction-add";
            }

            // Half the removals take back the workspace's latest reaction ("oops, wrong emoji"): the add and the
            // remove are then often in flight together, which is where ordering matters.
            case >= 50 and < 55 when _lastReaction.Remove(workspace, out var last) && content.GetReactions(last.PostId).Any(r => r.UserId == last.UserId && r.EmojiName == last.Emoji):
                content.RemoveReaction(last.PostId, last.UserId, last.Emoji);
                return "reaction-undo";

            case >= 50 and < 60 when live.SelectMany(p => content.GetReactions(p.Id)).Where(r => workspace.LocalUsers.Contains(r.UserId)).ToList() is { Count: > 0 } reactions:
            {
                Reaction reaction = Pick(reactions, target);
                content.RemoveReaction(reaction.PostId, reaction.UserId, reaction.EmojiName);
                return "reaction-remove";
            }

            case >= 60 and < 68:
                if (content.GetMembers(channelId).Contains(user))
                {
                    await content.ApplyMembershipChangeAsync(new MembershipChange { ChannelId = channelId, UserId = user, IsAdd = false, ChangeTime = _time.GetUtcNow() });
                    return "member-leave";
                }

                content.AddMember(channelId, user);
                return "member-join";

            case >= 68 and < 73 when live.Count > 0:
                content.Acknowledge(Pick(live, target).Id, user);
                return "acknowledge";

            default:
                Create(content, channelId, user, $"post {operation} from {workspace}", string.Empty);
                return "post";
        }
    }

    private void Create(InMemoryChatContent content, string channelId, string user, string message, string rootId)
    {
        string id = ChaosIds.Make("chaospost", Interlocked.Increment(ref _nextId));
        _created[channelId].Add(id);
        content.CreatePost(id, channelId, user, message, rootId);
    }

    /// <summary>Lets the background work breathe for a few milliseconds at most, so operations overlap with syncing.</summary>
    private async Task PaceAsync()
    {
        int budget = _random.Next(0, 4);
        if (budget == 0)
        {
            await Task.Yield();
            return;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(budget));
        try
        {
            await Task.WhenAll(All.Where(w => w.IsUp).Select(w => w.Sync.WhenIdleAsync(limit.Token)));
        }
        catch (OperationCanceledException)
        {
            // Still busy: carry on operating.
        }
    }

    /// <summary>Waits until every running workspace is idle twice in a row (relays included).</summary>
    private async Task SettleAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        for (int pass = 0; pass < 3; pass++)
        {
            foreach (ChaosWorkspace workspace in All.Where(w => w.IsUp))
            {
                await workspace.Sync.WhenIdleAsync(timeout.Token);
            }
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static T Pick<T>(IReadOnlyList<T> items, double roll) => items[Math.Min((int)(roll * items.Count), items.Count - 1)];
}
