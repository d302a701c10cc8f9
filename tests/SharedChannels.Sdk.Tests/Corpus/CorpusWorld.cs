using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;

namespace SharedChannels.Tests.Corpus;

/// <summary>
/// The world the hostile-input corpus runs against: a home sharing <see cref="Channel"/> with r1 and r2 (read-write)
/// and <see cref="ReadOnlyChannel"/> with r1 (read-only), keeping <see cref="PrivateChannel"/> to itself, with one
/// post by each workspace's user. Every secret of the set-up is kept, so tests can check none reaches a log.
/// </summary>
internal sealed class CorpusWorld : IAsyncDisposable
{
    public const string Channel = "corpuschannel0000000000001";
    public const string ReadOnlyChannel = "corpusreadonly000000000001";
    public const string PrivateChannel = "corpusprivate0000000000001";
    public const string Alice = "alice0000000000000000000c1";
    public const string Bob = "bob000000000000000000000c1";
    public const string Carol = "carol0000000000000000000c1";
    public const string AlicePost = "alicepost00000000000000001";
    public const string BobPost = "bobpost0000000000000000001";
    public const string CarolPost = "carolpost00000000000000001";
    public const string PrivatePost = "privatepost000000000000001";
    public const string Announcement = "announcement00000000000001";
    public const string Password = "corpus-Password-7f3a91c2";

    /// <summary>A text every message body of the set-up contains: it must never be logged.</summary>
    public const string BodyMarker = "body-marker-5d0c2e";

    private readonly List<string> _secrets = [Password];

    private CorpusWorld(FakeTimeProvider time, TestWorkspace home, TestWorkspace r1, TestWorkspace r2)
    {
        Time = time;
        Home = home;
        R1 = r1;
        R2 = r2;
    }

    public FakeTimeProvider Time { get; }

    public TestWorkspace Home { get; }

    public TestWorkspace R1 { get; }

    public TestWorkspace R2 { get; }

    public string ToR1 { get; private set; } = null!;

    public string ToR2 { get; private set; } = null!;

    /// <summary>Gets every token (both sides, both directions), the password and the invitation codes of the set-up.</summary>
    public IReadOnlyList<string> Secrets => _secrets;

    public static async Task<CorpusWorld> StartAsync()
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var world = new CorpusWorld(
            time,
            await TestWorkspace.StartAsync("home", network, time),
            await TestWorkspace.StartAsync("r1", network, time),
            await TestWorkspace.StartAsync("r2", network, time));
        await world.SetUpAsync();
        return world;
    }

    /// <summary>Gets a pending connection on the home whose invitation is older than the expiry.</summary>
    public ConnectionRecord ExpiredPending { get; private set; } = null!;

    /// <summary>Gets a pending connection on the home whose invitation is fresh.</summary>
    public ConnectionRecord FreshPending { get; private set; } = null!;

    /// <summary>Gets a connection deleted on the home while it was pending.</summary>
    public ConnectionRecord Deleted { get; private set; } = null!;

    /// <summary>Builds a frame <c>{"remote_id","msg":{"id","topic","create_at","payload"}}</c>.</summary>
    public static string Frame(string remoteId, string topic, string payload, string? messageId = null) =>
        $$$"""{"remote_id":"{{{remoteId}}}","msg":{"id":"{{{messageId ?? Guid.NewGuid().ToString("N")[..26]}}}","topic":"{{{topic}}}","create_at":1,"payload":{{{payload}}}}}""";

    /// <summary>A request from <paramref name="from"/> over <paramref name="connectionId"/>, with the token it really holds, signed as an SDK peer signs.</summary>
    public async Task<RemoteRequest> AuthenticRequestAsync(TestWorkspace from, string connectionId, string body, RemoteEndpoint endpoint = RemoteEndpoint.Message)
    {
        ConnectionRecord sender = await from.RecordAsync(connectionId);
        return new RemoteRequest { Endpoint = endpoint, RemoteId = connectionId, Token = sender.RemoteToken, Body = Encoding.UTF8.GetBytes(body) }.Signed(Time);
    }

    /// <summary>Everything a hostile frame could change on <paramref name="workspace"/>, in a form NUnit compares item by item.</summary>
    public static async Task<IReadOnlyList<object>> StateAsync(TestWorkspace workspace)
    {
        var state = new List<object>();
        IConnectionStore connections = workspace.Store;
        ISharedChannelStore channels = workspace.Services.GetRequiredService<ISharedChannelStore>();
        ISyncStateStore cursors = workspace.Services.GetRequiredService<ISyncStateStore>();
        state.Add(await connections.ListAsync());
        IReadOnlyList<SharedChannel> shared = await channels.ListChannelsAsync();
        state.Add(shared);
        foreach (string channelId in new[] { Channel, ReadOnlyChannel, PrivateChannel })
        {
            state.Add(await channels.ListRemotesAsync(channelId));
            IReadOnlyList<Post> posts = workspace.Content.GetPosts(channelId);
            state.Add(posts);
            state.Add(posts.Select(p => workspace.Content.GetReactions(p.Id)).ToList());
            state.Add(posts.Select(p => workspace.Content.GetAcknowledgements(p.Id)).ToList());
            state.Add(workspace.Content.GetMembers(channelId).Order(StringComparer.Ordinal).ToList());
            state.Add(workspace.Content.GetSystemMessages(channelId));
            state.Add(workspace.Content.HasChannel(channelId));
            foreach (ConnectionRecord connection in await connections.ListAsync())
            {
                state.Add((await cursors.GetCursorAsync(channelId, connection.RemoteId))?.Cursor ?? "(none)");
            }
        }

        IReadOnlyList<ChatUser> users = workspace.Content.GetUsers();
        state.Add(users);
        state.Add(users.Select(u => workspace.Content.GetStatus(u.Id)).ToList());
        return state;
    }

    /// <summary>The log text of all three workspaces.</summary>
    public string AllLogs => Home.Logs.AllText + "\n" + R1.Logs.AllText + "\n" + R2.Logs.AllText;

    public Task SettleAsync() => TestWorkspace.SettleAsync(Home, R1, R2);

    public async ValueTask DisposeAsync()
    {
        await Home.DisposeAsync();
        await R1.DisposeAsync();
        await R2.DisposeAsync();
    }

    private async Task SetUpAsync()
    {
        ToR1 = await ConnectAsync(R1, "r1");
        ToR2 = await ConnectAsync(R2, "r2");
        foreach (ConnectionRecord record in new[] { await Home.RecordAsync(ToR1), await Home.RecordAsync(ToR2), await R1.RecordAsync(ToR1), await R2.RecordAsync(ToR2) })
        {
            _secrets.Add(record.Token);
            _secrets.Add(record.RemoteToken!);
        }

        Home.Content.AddLocalUser(Alice, "alice");
        R1.Content.AddLocalUser(Bob, "bob");
        R2.Content.AddLocalUser(Carol, "carol");
        Home.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "corpus", Type = ChannelType.Open, TeamId = "team-home" });
        Home.Content.AddChannel(new ChannelInfo { Id = ReadOnlyChannel, Name = "announcements", Type = ChannelType.Open, TeamId = "team-home" });
        Home.Content.AddChannel(new ChannelInfo { Id = PrivateChannel, Name = "private", Type = ChannelType.Private, TeamId = "team-home" });
        await Home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, ToR1);
        await Home.Sharing.InviteAsync(TestWorkspace.Admin, Channel, ToR2);
        await Home.Sharing.InviteAsync(TestWorkspace.Admin, ReadOnlyChannel, ToR1, readOnly: true);
        await SettleAsync();

        Home.Content.AddMember(Channel, Alice);
        Home.Content.CreatePost(AlicePost, Channel, Alice, $"alice says {BodyMarker}");
        Home.Content.CreatePost(PrivatePost, PrivateChannel, Alice, $"private {BodyMarker}");
        Home.Content.CreatePost(Announcement, ReadOnlyChannel, Alice, $"announcement {BodyMarker}");
        R1.Content.CreatePost(BobPost, Channel, Bob, $"bob says {BodyMarker}");
        R2.Content.CreatePost(CarolPost, Channel, Carol, $"carol says {BodyMarker}");
        Home.Content.SetLocalStatus(new UserStatus { UserId = Alice, Status = "online" });
        R1.Content.SetLocalStatus(new UserStatus { UserId = Bob, Status = "online" });
        await SettleAsync();

        ExpiredPending = await PendingAsync("expired");
        Deleted = await PendingAsync("deleted");
        await Home.Connections.DeleteAsync(TestWorkspace.Admin, Deleted.RemoteId);
        Deleted = await Home.RecordAsync(Deleted.RemoteId);
        Time.Advance(TimeSpan.FromHours(49));
        FreshPending = await PendingAsync("fresh");
    }

    private async Task<ConnectionRecord> PendingAsync(string name)
    {
        ConnectionInvitation invitation = await Home.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = name, Password = Password });
        ConnectionRecord record = await Home.RecordAsync(invitation.Connection.Id);
        _secrets.Add(invitation.InvitationCode);
        _secrets.Add(record.Token);
        return record;
    }

    private async Task<string> ConnectAsync(TestWorkspace peer, string name)
    {
        ConnectionInvitation invitation = await Home.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = name, Password = Password });
        _secrets.Add(invitation.InvitationCode);
        await peer.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "home", InvitationCode = invitation.InvitationCode, Password = Password });
        return invitation.Connection.Id;
    }
}
