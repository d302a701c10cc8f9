using Microsoft.Extensions.Options;
using SharedChannels.Coordination.Internal;

namespace SharedChannels.Internal;

/// <summary>Validates <see cref="SharedChannelsOptions"/> at start-up; each failure says what to fix.</summary>
internal sealed class SharedChannelsOptionsValidator : IValidateOptions<SharedChannelsOptions>
{
    private const int MaxSyncRequestsInFlightLimit = 64;
    private const int MaxGlobalUserSyncBatchSize = 200;
    private const int MaxPostMessageLengthLimit = 1_000_000;
    private const int MaxUsersPerSyncMessageLimit = 10_000;
    private const int MaxPostsPerSyncLimit = 10_000;

    public ValidateOptionsResult Validate(string? name, SharedChannelsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.EnableRemoteClusterService)
        {
            if (string.IsNullOrWhiteSpace(options.SiteUrl))
            {
                failures.Add("SiteUrl is required when EnableRemoteClusterService is on: set it to this workspace's public URL, e.g. https://chat.example.com.");
            }
            else if (!Uri.TryCreate(options.SiteUrl, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"SiteUrl '{options.SiteUrl}' is not an absolute http or https URL.");
            }
        }

        if (options.EnableSharedChannels && !options.EnableRemoteClusterService)
        {
            failures.Add("EnableSharedChannels needs EnableRemoteClusterService: turn both on, or turn EnableSharedChannels off.");
        }

        RequirePositive(failures, nameof(options.PingInterval), options.PingInterval);
        RequirePositive(failures, nameof(options.PingTimeout), options.PingTimeout);
        RequirePositive(failures, nameof(options.OfflineAfter), options.OfflineAfter);
        RequirePositive(failures, nameof(options.InvitationExpiry), options.InvitationExpiry);
        RequirePositive(failures, nameof(options.SendTimeout), options.SendTimeout);

        if (options.PingTimeout > options.PingInterval)
        {
            failures.Add($"PingTimeout ({options.PingTimeout}) must not exceed PingInterval ({options.PingInterval}).");
        }

        if (options.OfflineAfter < options.PingInterval)
        {
            failures.Add($"OfflineAfter ({options.OfflineAfter}) must be at least PingInterval ({options.PingInterval}), or every connection flaps offline between pings.");
        }

        if (options.MaxFrameBytes < 64 * 1024)
        {
            failures.Add($"MaxFrameBytes ({options.MaxFrameBytes}) must be at least 65536 so a sync batch fits.");
        }

        if (options.MaxProfileImageBytes < 1024)
        {
            failures.Add($"MaxProfileImageBytes ({options.MaxProfileImageBytes}) must be at least 1024: even a small avatar needs that much.");
        }

        if (options.MaxPostsPerSyncToSdkPeers > MaxPostsPerSyncLimit || options.MaxPostsPerSync > MaxPostsPerSyncLimit)
        {
            failures.Add($"MaxPostsPerSync ({options.MaxPostsPerSync}) and MaxPostsPerSyncToSdkPeers ({options.MaxPostsPerSyncToSdkPeers}) must be at most {MaxPostsPerSyncLimit}: a page is read, held and sent whole.");
        }

        if (options.MaxSyncRequestsInFlight > MaxSyncRequestsInFlightLimit)
        {
            failures.Add($"MaxSyncRequestsInFlight ({options.MaxSyncRequestsInFlight}) must be at most {MaxSyncRequestsInFlightLimit}: more only queues messages at the peer.");
        }

        if (options.MaxUsersPerSyncMessage > MaxUsersPerSyncMessageLimit)
        {
            failures.Add($"MaxUsersPerSyncMessage ({options.MaxUsersPerSyncMessage}) must be at most {MaxUsersPerSyncMessageLimit}; the default, {SharedChannelsOptions.DefaultMaxUsersPerSyncMessage}, takes every message Mattermost sends.");
        }

        if (options.MaxPostMessageLength > MaxPostMessageLengthLimit)
        {
            failures.Add($"MaxPostMessageLength ({options.MaxPostMessageLength}) must be at most {MaxPostMessageLengthLimit}; Mattermost's own limit, the default, is {SharedChannelsOptions.DefaultMaxPostMessageLength}.");
        }

        if (options.GlobalUserSyncBatchSize > MaxGlobalUserSyncBatchSize)
        {
            failures.Add($"GlobalUserSyncBatchSize ({options.GlobalUserSyncBatchSize}) must be at most {MaxGlobalUserSyncBatchSize}, as in Mattermost; 0 means the default of {SharedChannelsOptions.DefaultGlobalUserSyncBatchSize}.");
        }

        if (options.ConnectionLeaseDuration < TimeSpan.FromSeconds(1) || options.ConnectionLeaseDuration > TimeSpan.FromMinutes(10))
        {
            failures.Add($"ConnectionLeaseDuration ({options.ConnectionLeaseDuration}) must be between 1 second and 10 minutes; the default, {SharedChannelsOptions.DefaultConnectionLeaseDuration}, hands a dead node's connections over within about 7 seconds.");
        }

        if (options.NodeId is { } nodeId && !NodeIds.IsValid(nodeId))
        {
            failures.Add($"NodeId must be 1 to {NodeIds.MaxLength} letters, digits or '.', '_', '-', ':', '@' (e.g. 'chat-1'), unique among the nodes; leave it unset to have one made from the machine name and process id.");
        }

        if (!Enum.IsDefined(options.UsernameCollisionPolicy))
        {
            failures.Add($"UsernameCollisionPolicy '{options.UsernameCollisionPolicy}' is not a known policy.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{name} must be greater than zero (it is {value}).");
        }
    }
}
