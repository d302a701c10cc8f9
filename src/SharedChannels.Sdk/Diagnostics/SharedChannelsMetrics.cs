using System.Diagnostics.Metrics;

namespace SharedChannels.Diagnostics;

/// <summary>The SDK's instruments. Tags never carry secrets or message content.</summary>
internal static class SharedChannelsMetrics
{
    private static readonly Meter Meter = new(SharedChannelsDiagnostics.MeterName);

    /// <summary>Frames received, tagged with <c>topic</c> and <c>outcome</c> (accepted, rejected).</summary>
    public static readonly Counter<long> FramesReceived =
        Meter.CreateCounter<long>("sharedchannels.frames.received", unit: "{frame}", description: "Frames received from remote workspaces.");

    /// <summary>Outbound pings, tagged with <c>outcome</c> (ok, failed).</summary>
    public static readonly Counter<long> Pings =
        Meter.CreateCounter<long>("sharedchannels.pings", unit: "{ping}", description: "Pings sent to remote workspaces.");

    /// <summary>Items refused, tagged with <c>kind</c> and <c>direction</c> (inbound: we refused; outbound: the peer refused).</summary>
    public static readonly Counter<long> ItemsRejected =
        Meter.CreateCounter<long>("sharedchannels.sync.items_rejected", unit: "{item}", description: "Sync items refused.");

    /// <summary>Items applied from peers, tagged with <c>kind</c>.</summary>
    public static readonly Counter<long> ItemsApplied =
        Meter.CreateCounter<long>("sharedchannels.sync.items_applied", unit: "{item}", description: "Sync items applied from remote workspaces.");

    /// <summary>Connection state changes, tagged with <c>state</c>.</summary>
    public static readonly Counter<long> ConnectionStateChanges =
        Meter.CreateCounter<long>("sharedchannels.connection.state_changes", unit: "{change}", description: "Connection state changes.");
}
