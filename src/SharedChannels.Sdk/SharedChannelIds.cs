using System.Diagnostics.CodeAnalysis;
using SharedChannels.Wire;

namespace SharedChannels;

/// <summary>
/// The ids a shared channel's items carry on every workspace: Mattermost-style, 26 lower-case letters and digits.
/// Channels, posts and users keep the same id on each workspace they are shared with, so a host creates the ids of its
/// own items with <see cref="NewId"/> (or maps its own ids to ids of this shape).
/// </summary>
public static class SharedChannelIds
{
    /// <summary>Creates a new random id (16 random bytes, Mattermost's base32 alphabet, 26 characters).</summary>
    /// <returns>The id.</returns>
    public static string NewId() => RemoteIds.NewId();

    /// <summary>Gets whether <paramref name="value"/> has the shape of an id: 26 lower-case ASCII letters or digits.</summary>
    /// <param name="value">The text to check.</param>
    /// <returns><see langword="true"/> when it is an id's shape; <see langword="false"/> otherwise, or for <see langword="null"/>.</returns>
    public static bool IsValid([NotNullWhen(true)] string? value) => RemoteIds.IsValid(value);
}
