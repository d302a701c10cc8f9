using SharedChannels.Content;
using SharedChannels.Storage;

namespace SharedChannels.Testing;

/// <summary>Values the contract suites store. Times are whole milliseconds: that is the precision stores must keep.</summary>
internal static class ContractData
{
    private static readonly DateTimeOffset Origin = new(2026, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    /// <summary>A fixed time, <paramref name="minutes"/> after an arbitrary origin, with millisecond precision.</summary>
    public static DateTimeOffset Time(int minutes) => Origin.AddMinutes(minutes);

    /// <summary>
    /// A Mattermost-shaped id (26 lower-case letters and digits), distinct for each <paramref name="prefix"/> and
    /// <paramref name="n"/>: <c>Id("post", 3)</c> is <c>post3xxxxxxxxxxxxxxxxxxxxx</c>.
    /// </summary>
    public static string Id(string prefix, int n) => (prefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture)).PadRight(26, 'x');

    /// <summary>A connection with every optional field set to something other than its default.</summary>
    public static ConnectionRecord FullConnection(string remoteId, string name, int createdMinute = 0) => new()
    {
        RemoteId = remoteId,
        Name = name,
        DisplayName = "Acme — Zürich 🚀 \"HQ\"",
        SiteUrl = "https://chat.acme.example.com",
        DefaultTeamId = "team-" + remoteId,
        CreatorId = "creator-" + remoteId,
        CreatedAt = Time(createdMinute),
        InvitationGeneratedAt = Time(createdMinute + 1),
        IsInviter = true,
        InvitationAccepted = true,
        LastPingAt = Time(createdMinute + 2),
        DeletedAt = null,
        Token = "token-" + remoteId + "-6f1c2d",
        RemoteToken = "remote-token-" + remoteId + "-9a8b7c",
        PeerSupportsSignedFrames = true,
    };

    /// <summary>A connection with only its required fields set.</summary>
    public static ConnectionRecord MinimalConnection(string remoteId, string name, int createdMinute = 0) => new()
    {
        RemoteId = remoteId,
        Name = name,
        DisplayName = name,
        CreatorId = "creator",
        CreatedAt = Time(createdMinute),
        InvitationGeneratedAt = Time(createdMinute),
        Token = "token-" + remoteId,
    };

    /// <summary>A shared channel with every field set.</summary>
    public static SharedChannel Channel(string channelId, int createdMinute = 0, ChannelType type = ChannelType.Private, string? homeConnectionId = "home-remote") => new()
    {
        ChannelId = channelId,
        TeamId = "team-" + channelId,
        Name = "name-" + channelId,
        DisplayName = "Town square ✨ " + channelId,
        Type = type,
        HomeConnectionId = homeConnectionId,
        ReadOnly = true,
        CreatorId = "creator-" + channelId,
        CreatedAt = Time(createdMinute),
    };

    /// <summary>A remote of a channel with every field set.</summary>
    public static SharedChannelRemote Remote(string channelId, string connectionId, int createdMinute = 0) => new()
    {
        ChannelId = channelId,
        ConnectionId = connectionId,
        ReadOnly = true,
        InvitationAccepted = true,
        CreatorId = "inviter-" + connectionId,
        CreatedAt = Time(createdMinute),
    };
}
