namespace SharedChannels.Commands.Internal;

/// <summary>The slash commands of the product guide, their subcommands and options.</summary>
internal static class CommandCatalog
{
    public const string SecureConnectionTrigger = "secure-connection";
    public const string ShareChannelTrigger = "share-channel";
    public const string Help = "help";

    // Option keys, as OptionSpec.Normalize makes them.
    public const string NameKey = "name";
    public const string DisplayNameKey = "displayname";
    public const string PasswordKey = "password";
    public const string InviteKey = "invite";
    public const string ConnectionIdKey = "connectionid";
    public const string ReadOnlyKey = "readonly";
    public const string SiteUrlKey = "siteurl";

    private static readonly OptionSpec ConnectionId = new("connectionID", "connection id", Required: true);

    public static CommandSpec SecureConnection { get; } = new(SecureConnectionTrigger,
    [
        new(SecureConnectionTrigger, "create", CommandKind.CreateConnection,
            "Creates a secure connection and its invitation for another workspace; leave out --password to have a strong one generated.",
            [new("name", "name", Required: true), new("displayname", "display name", Required: false), new("password", "password", Required: false)]),
        new(SecureConnectionTrigger, "accept", CommandKind.AcceptInvitation,
            "Accepts an invitation from another workspace, with the password its admin sent separately.",
            [new("name", "name", Required: true), new("displayname", "display name", Required: false), new("password", "password", Required: true), new("invite", "invitation code", Required: true)]),
        new(SecureConnectionTrigger, "remove", CommandKind.RemoveConnection,
            "Deletes a secure connection and stops sharing every channel with it.",
            [ConnectionId]),
        // SDK extension (Mattermost's /secure-connection has no update): for a peer that moved to another address.
        new(SecureConnectionTrigger, "update", CommandKind.UpdateConnection,
            "Changes a secure connection's display name and/or the other workspace's site URL (after it moved to another host name or port).",
            [ConnectionId, new("displayname", "display name", Required: false), new("siteurl", "site URL", Required: false)]),
        new(SecureConnectionTrigger, "status", CommandKind.ConnectionStatus,
            "Lists the secure connections and their state.",
            []),
        new(SecureConnectionTrigger, Help, CommandKind.Help, "Shows this help.", []),
    ]);

    public static CommandSpec ShareChannel { get; } = new(ShareChannelTrigger,
    [
        new(ShareChannelTrigger, "invite", CommandKind.InviteConnection,
            "Shares the current channel with a secure connection; --readonly lets the other workspace only read it.",
            [ConnectionId, new("readonly", Placeholder: null, Required: false)]),
        new(ShareChannelTrigger, "uninvite", CommandKind.UninviteConnection,
            "Stops sharing the current channel with one secure connection.",
            [ConnectionId]),
        new(ShareChannelTrigger, "unshare", CommandKind.UnshareChannel,
            "Stops sharing the current channel with every secure connection.",
            []),
        new(ShareChannelTrigger, "status", CommandKind.ChannelStatus,
            "Lists the workspaces the current channel is shared with.",
            []),
        new(ShareChannelTrigger, Help, CommandKind.Help, "Shows this help.", []),
    ]);

    public static IReadOnlyList<CommandSpec> All { get; } = [SecureConnection, ShareChannel];

    /// <summary>Finds a command by the word typed, with or without its slash, ignoring case.</summary>
    /// <param name="word">The first word of the command line.</param>
    /// <returns>The command, or <see langword="null"/>.</returns>
    public static CommandSpec? Find(string word)
    {
        string trigger = word.StartsWith('/') ? word[1..] : word;
        return All.FirstOrDefault(c => string.Equals(c.Trigger, trigger, StringComparison.OrdinalIgnoreCase));
    }
}
