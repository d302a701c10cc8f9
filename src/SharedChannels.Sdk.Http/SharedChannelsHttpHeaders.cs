namespace SharedChannels.Http;

/// <summary>The HTTP header names of the remote-cluster protocol, and the SDK's signature extension.</summary>
public static class SharedChannelsHttpHeaders
{
    /// <summary>The connection id the sender claims: <c>X-RemoteCluster-Id</c> (Mattermost).</summary>
    public const string RemoteClusterId = "X-RemoteCluster-Id";

    /// <summary>The token the receiver expects from the sender: <c>X-RemoteCluster-Token</c> (Mattermost). Secret.</summary>
    public const string RemoteClusterToken = "X-RemoteCluster-Token";

    /// <summary>
    /// The frame signature sent between two SDK hosts: <c>X-SharedChannels-Signature</c>. Mattermost ignores it.
    /// </summary>
    public const string Signature = "X-SharedChannels-Signature";

    /// <summary>The signature timestamp, Unix milliseconds: <c>X-SharedChannels-Timestamp</c>. Mattermost ignores it.</summary>
    public const string SignatureTimestamp = "X-SharedChannels-Timestamp";
}
