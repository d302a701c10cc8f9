namespace SharedChannels.Samples.Chat;

/// <summary>Post types this host writes.</summary>
public static class PostTypes
{
    /// <summary>A normal post.</summary>
    public const string Normal = "";

    /// <summary>A notice of the SDK ("This channel is no longer shared."); never synchronized.</summary>
    public const string SharedChannelsSystemMessage = "system_shared_channels";
}
