namespace SharedChannels.Content.Internal;

/// <summary>The system messages the SDK posts in shared channels.</summary>
internal static class SharingMessages
{
    public const string NoLongerShared = "This channel is no longer shared.";

    /// <summary>The error text Mattermost peers recognize as "drop this channel".</summary>
    public const string ChannelNoLongerSharedError = "channel is no longer shared";

    public static string Interrupted(string displayName) =>
        $"The connection to {displayName} is interrupted. Messages to and from it are delayed and will be delivered when it is back.";

    public static string Restored(string displayName) =>
        $"The connection to {displayName} is back. Messages missed during the interruption are being delivered.";
}
