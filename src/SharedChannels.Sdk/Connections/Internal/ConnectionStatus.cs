using SharedChannels.Storage;

namespace SharedChannels.Connections.Internal;

/// <summary>Derives the public status of a connection from its stored record at a point in time.</summary>
internal static class ConnectionStatus
{
    public static bool IsOnline(ConnectionRecord record, DateTimeOffset now, TimeSpan offlineAfter) =>
        record.DeletedAt is null && record.InvitationAccepted && record.LastPingAt is { } ping && now - ping < offlineAfter;

    public static ConnectionState StateOf(ConnectionRecord record, DateTimeOffset now, TimeSpan offlineAfter) =>
        record.DeletedAt is not null ? ConnectionState.Deleted
        : !record.InvitationAccepted ? ConnectionState.Pending
        : IsOnline(record, now, offlineAfter) ? ConnectionState.Connected
        : ConnectionState.Offline;

    public static RemoteConnection ToStatus(ConnectionRecord record, DateTimeOffset now, TimeSpan offlineAfter) => new()
    {
        Id = record.RemoteId,
        Name = record.Name,
        DisplayName = record.DisplayName,
        SiteUrl = record.SiteUrl,
        DefaultTeamId = record.DefaultTeamId,
        CreatorId = record.CreatorId,
        CreatedAt = record.CreatedAt,
        InvitationAccepted = record.InvitationAccepted,
        IsOnline = IsOnline(record, now, offlineAfter),
        LastPingAt = record.LastPingAt,
        DeletedAt = record.DeletedAt,
        State = StateOf(record, now, offlineAfter),
    };
}
