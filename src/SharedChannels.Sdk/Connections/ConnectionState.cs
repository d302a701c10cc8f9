namespace SharedChannels.Connections;

/// <summary>The state of a secure connection, as the product guide's System Console shows it.</summary>
public enum ConnectionState
{
    /// <summary>The invitation has not been accepted yet ("Connection Pending").</summary>
    Pending = 0,

    /// <summary>Confirmed, and the last outbound ping succeeded within <see cref="SharedChannelsOptions.OfflineAfter"/>.</summary>
    Connected = 1,

    /// <summary>Confirmed, but no outbound ping succeeded within <see cref="SharedChannelsOptions.OfflineAfter"/>.</summary>
    Offline = 2,

    /// <summary>Deleted. The record is kept (soft delete); it no longer syncs.</summary>
    Deleted = 3,
}
