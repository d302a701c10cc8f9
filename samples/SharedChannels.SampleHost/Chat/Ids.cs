namespace SharedChannels.Samples.Chat;

/// <summary>
/// Mattermost-style ids: 26 lower-case letters and digits. Channels, posts and users keep their id on every workspace,
/// so ids must be globally unique (random) and have this shape.
/// </summary>
public static class Ids
{
    /// <summary>Creates a new random id, with the SDK's helper (<see cref="SharedChannelIds.NewId"/>).</summary>
    /// <returns>The id.</returns>
    public static string NewId() => SharedChannelIds.NewId();
}
