namespace SharedChannels.Internal;

/// <summary>Refuses work when the feature it belongs to is switched off, naming the setting that turns it on.</summary>
internal static class FeatureGuard
{
    public static void EnsureRemoteClusterService(SharedChannelsOptions options)
    {
        if (!options.EnableRemoteClusterService)
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.FeatureDisabled,
                "Secure connections are disabled. Set SharedChannelsOptions.EnableRemoteClusterService to true to turn them on.");
        }
    }

    public static void EnsureSharedChannels(SharedChannelsOptions options)
    {
        EnsureRemoteClusterService(options);
        if (!options.EnableSharedChannels)
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.FeatureDisabled,
                "Shared channels are disabled. Set SharedChannelsOptions.EnableSharedChannels to true to turn them on.");
        }
    }
}
