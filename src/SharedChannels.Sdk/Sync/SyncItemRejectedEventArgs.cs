namespace SharedChannels.Sync;

/// <summary>Data of <see cref="SharedChannelSync.ItemRejected"/>: a peer refused one item this workspace sent.</summary>
public sealed class SyncItemRejectedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="connectionId">The connection that refused the item.</param>
    /// <param name="channelId">The channel.</param>
    /// <param name="kind">The kind of item: <c>user</c>, <c>post</c>, <c>reaction</c>, <c>acknowledgement</c>, <c>status</c> or <c>membership</c>.</param>
    /// <param name="itemId">The item's id (for reactions and acknowledgements, the post id).</param>
    /// <param name="reason">Why, as the peer said it (SDK peers explain; Mattermost peers only list ids).</param>
    public SyncItemRejectedEventArgs(string connectionId, string channelId, string kind, string itemId, string reason)
    {
        ConnectionId = connectionId;
        ChannelId = channelId;
        Kind = kind;
        ItemId = itemId;
        Reason = reason;
    }

    /// <summary>Gets the connection that refused the item.</summary>
    public string ConnectionId { get; }

    /// <summary>Gets the channel.</summary>
    public string ChannelId { get; }

    /// <summary>Gets the kind of item.</summary>
    public string Kind { get; }

    /// <summary>Gets the item's id.</summary>
    public string ItemId { get; }

    /// <summary>Gets the peer's reason.</summary>
    public string Reason { get; }
}
