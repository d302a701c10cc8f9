using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Content;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Tests.TestSupport;

/// <summary>
/// A home workspace sharing one channel with one remote (SDK peers of each other), the home's sync requests seen
/// through a <see cref="SyncTrafficTransport"/>. One connection, so one key derivation, per pair.
/// </summary>
internal sealed class SharedChannelPair : IAsyncDisposable
{
    public const string Channel = "town00000000000000000000aa";
    public const string Alice = "alice0000000000000000000aa";
    public const string RemoteHost = "r1.test";

    private int _ids;

    private SharedChannelPair(LoopbackNetwork network, FakeTimeProvider time, SyncTrafficTransport transport, TestWorkspace home, TestWorkspace remote, string connectionId)
    {
        Network = network;
        Time = time;
        HomeTransport = transport;
        Home = home;
        Remote = remote;
        ConnectionId = connectionId;
    }

    public LoopbackNetwork Network { get; }

    public FakeTimeProvider Time { get; }

    public SyncTrafficTransport HomeTransport { get; }

    public TestWorkspace Home { get; }

    public TestWorkspace Remote { get; }

    /// <summary>Gets the connection's id (the same on both sides).</summary>
    public string ConnectionId { get; }

    public static async Task<SharedChannelPair> StartAsync(
        Action<SharedChannelsOptions>? homeOptions = null,
        Action<SharedChannelsOptions>? remoteOptions = null,
        Action<IServiceCollection>? remoteServices = null)
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var transport = new SyncTrafficTransport(network);
        TestWorkspace home = await TestWorkspace.StartAsync("home", network, time, homeOptions, services: s => s.AddSingleton<IRemoteTransport>(transport));
        TestWorkspace remote = await TestWorkspace.StartAsync("r1", network, time, remoteOptions, services: remoteServices);
        string connectionId = await home.ConnectToAsync(remote, "r1");
        home.Content.AddLocalUser(Alice, "alice");
        home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team-home" });
        await home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, connectionId);
        var pair = new SharedChannelPair(network, time, transport, home, remote, connectionId);
        await pair.SettleAsync();
        return pair;
    }

    public string NewId() => $"post{Interlocked.Increment(ref _ids):D22}";

    public Task SettleAsync() => TestWorkspace.SettleAsync(Home, Remote);

    /// <summary>
    /// Stores <paramref name="count"/> posts by Alice on the home without waking sync, as a host importing in bulk
    /// would before calling <c>NotifyChannelChanged</c> once: the whole backlog is there when the worker reads it.
    /// </summary>
    /// <returns>The posts' ids, in the order written.</returns>
    public async Task<List<string>> WriteBacklogAsync(int count, Func<int, string>? message = null)
    {
        var ids = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            string id = NewId();
            DateTimeOffset now = Time.GetUtcNow();
            await Home.Content.UpsertPostAsync(new Post { Id = id, ChannelId = Channel, UserId = Alice, Message = message?.Invoke(i) ?? $"backlog {i}", CreateAt = now, UpdateAt = now });
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Gets the home's stored cursor of the channel toward the remote.</summary>
    public async Task<string?> CursorAsync() =>
        (await Home.Services.GetRequiredService<ISyncStateStore>().GetCursorAsync(Channel, ConnectionId))?.Cursor;

    /// <summary>Gets the cursor at the current end of the channel's changes on the home.</summary>
    public async Task<string> LatestCursorAsync() => await Home.Content.GetLatestCursorAsync(Channel);

    /// <summary>Gets the ids of the channel's posts on the remote, in creation order.</summary>
    public IReadOnlyList<string> PostIdsOnRemote() => [.. Remote.Content.GetPosts(Channel).Select(p => p.Id)];

    /// <summary>Makes each side treat the other as a peer that does not run this SDK (as after confirming with Mattermost).</summary>
    public async Task ForgetThatPeersRunTheSdkAsync()
    {
        await Home.Store.UpdateAsync(await Home.RecordAsync(ConnectionId) with { PeerSupportsSignedFrames = false });
        await Remote.Store.UpdateAsync(await Remote.RecordAsync(ConnectionId) with { PeerSupportsSignedFrames = false });
    }

    public async ValueTask DisposeAsync()
    {
        await Home.DisposeAsync();
        await Remote.DisposeAsync();
    }
}
