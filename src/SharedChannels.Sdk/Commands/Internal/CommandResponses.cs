using System.Text;
using SharedChannels.Connections;
using SharedChannels.Sharing;
using SharedChannels.Storage;

namespace SharedChannels.Commands.Internal;

/// <summary>
/// The Markdown answers of the slash commands. Nothing here ever writes a password the user typed or the code of an
/// invitation being accepted; the only secrets written are the code just created and a password just generated.
/// </summary>
internal static class CommandResponses
{
    /// <summary>The placeholder written instead of a password the admin chose.</summary>
    public const string ChosenPasswordPlaceholder = "<the password you chose>";

    /// <summary>The placeholder written instead of a generated password in the accept command.</summary>
    public const string GeneratedPasswordPlaceholder = "<the generated password>";

    public static CommandResult Help(CommandSpec command)
    {
        var text = new StringBuilder().Append("##### /").Append(command.Trigger).Append('\n');
        foreach (SubcommandSpec sub in command.Subcommands)
        {
            text.Append("- ").Append(MarkdownText.Code(sub.Usage)).Append(": ").Append(sub.Description).Append('\n');
        }

        return new CommandResult(succeeded: true, text.ToString(), errorCode: null);
    }

    public static CommandResult Usage(ParseResult parsed)
    {
        var text = new StringBuilder(parsed.Error).Append("\n\n");
        IReadOnlyList<string> usage = parsed.Usage;
        if (usage.Count == 1)
        {
            text.Append("Usage: ").Append(MarkdownText.Code(usage[0])).Append('\n');
        }
        else
        {
            text.Append("Usage:\n");
            foreach (string line in usage)
            {
                text.Append("- ").Append(MarkdownText.Code(line)).Append('\n');
            }
        }

        return new CommandResult(succeeded: false, text.ToString(), SharedChannelsErrorCode.InvalidArgument);
    }

    public static CommandResult Failure(SharedChannelsException exception) =>
        new(succeeded: false, MarkdownText.EscapeMessage(exception.Message), exception.ErrorCode);

    public static CommandResult Unexpected() =>
        new(succeeded: false, "The command failed unexpectedly. The details are in the server log.", SharedChannelsErrorCode.Unknown);

    public static CommandResult<ConnectionInvitation> Created(ConnectionInvitation invitation, bool passwordGenerated, TimeSpan invitationExpiry)
    {
        RemoteConnection connection = invitation.Connection;
        var text = new StringBuilder()
            .Append("##### Invitation created\n")
            .Append("Secure connection **").Append(MarkdownText.Escape(connection.DisplayName)).Append("** (").Append(MarkdownText.Code(connection.Name))
            .Append(") is pending until the other workspace accepts the invitation. Connection ID: ").Append(MarkdownText.Code(connection.Id)).Append(".\n\n")
            .Append("Send this invitation code to the system admin of the other workspace:\n");
        MarkdownText.CodeBlock(text, invitation.InvitationCode);
        if (passwordGenerated)
        {
            text.Append("\nThe password of the invitation was generated. It is shown only this once, so copy it now: ")
                .Append(MarkdownText.Code(invitation.Password)).Append('\n');
        }

        text.Append("\nThe other admin accepts it by running:\n");
        MarkdownText.CodeBlock(text, AcceptCommand(connection, invitation.InvitationCode, passwordGenerated ? GeneratedPasswordPlaceholder : ChosenPasswordPlaceholder));
        text.Append("\nSend the invitation code and the password through different channels (for example the code by email and the password by phone), never together and never in a chat message. ")
            .Append("The invitation can be accepted until ").Append(MarkdownText.Utc(connection.CreatedAt + invitationExpiry))
            .Append("; after that, a new invitation code must be generated.\n");
        return new(text.ToString(), invitation);
    }

    public static CommandResult<RemoteConnection> Accepted(RemoteConnection connection)
    {
        var text = new StringBuilder()
            .Append("##### Invitation accepted\n")
            .Append("This workspace is now connected to **").Append(MarkdownText.Escape(connection.DisplayName)).Append("** (").Append(MarkdownText.Code(connection.Name))
            .Append(") at ").Append(MarkdownText.Code(connection.SiteUrl)).Append(". Connection ID: ").Append(MarkdownText.Code(connection.Id)).Append('.');
        if (!string.IsNullOrEmpty(connection.DefaultTeamId))
        {
            text.Append(" Channels it shares with this workspace are added to team ").Append(MarkdownText.Code(connection.DefaultTeamId)).Append('.');
        }

        return new(text.Append('\n').ToString(), connection);
    }

    public static CommandResult<RemoteConnection> Updated(RemoteConnection connection) => new(
        $"Secure connection **{MarkdownText.Escape(connection.DisplayName)}** ({MarkdownText.Code(connection.Name)}, ID {MarkdownText.Code(connection.Id)}) was updated. " +
        (connection.SiteUrl is null ? "Its invitation is still pending.\n" : $"Requests to it go to {MarkdownText.Code(connection.SiteUrl)}.\n"),
        connection);

    public static CommandResult<RemoteConnection> Removed(RemoteConnection connection) => new(
        $"Secure connection **{MarkdownText.Escape(connection.DisplayName)}** ({MarkdownText.Code(connection.Name)}, ID {MarkdownText.Code(connection.Id)}) was removed. " +
        "The trust relationship with that workspace has ended and no channel is synchronized with it anymore; the channels keep working here.\n",
        connection);

    public static CommandResult<IReadOnlyList<RemoteConnection>> ConnectionStatus(IReadOnlyList<RemoteConnection> connections)
    {
        if (connections.Count == 0)
        {
            return new("There are no secure connections. Create one with `/secure-connection create --name <name>`.\n", connections);
        }

        var text = new StringBuilder("##### Secure connections\n");
        MarkdownText.Table(
            text,
            ["Name", "Display name", "Connection ID", "URL", "Default team", "Invite accepted", "Online", "Last ping (UTC)", "Deleted"],
            connections.Select(c => (IReadOnlyList<string>)
            [
                MarkdownText.Escape(c.Name),
                MarkdownText.Escape(c.DisplayName),
                MarkdownText.Code(c.Id),
                c.SiteUrl is null ? "pending" : MarkdownText.Code(c.SiteUrl),
                MarkdownText.Code(c.DefaultTeamId),
                MarkdownText.YesNo(c.InvitationAccepted),
                MarkdownText.YesNo(c.IsOnline),
                MarkdownText.Utc(c.LastPingAt),
                c.DeletedAt is { } deleted ? $"Yes ({MarkdownText.Utc(deleted)})" : "No",
            ]));
        return new(text.ToString(), connections);
    }

    public static CommandResult<SharedChannelRemote> Invited(SharedChannelRemote remote)
    {
        var text = new StringBuilder("This channel is now shared with secure connection ").Append(MarkdownText.Code(remote.ConnectionId));
        text.Append(remote.ReadOnly
            ? ", read-only: its members can read the channel but not post or reply."
            : ": its members can take part in the channel.");
        if (!remote.InvitationAccepted)
        {
            text.Append(" The other workspace cannot be reached right now; the invitation is sent again when it is back.");
        }

        return new(text.Append('\n').ToString(), remote);
    }

    public static CommandResult Uninvited(string connectionId) => new(
        succeeded: true,
        $"This channel is no longer shared with secure connection {MarkdownText.Code(connectionId.Trim())}. It keeps working here, and the connection can still be invited to other channels.\n",
        errorCode: null);

    public static CommandResult Unshared() => new(
        succeeded: true,
        "This channel is no longer shared: it has stopped synchronizing with every secure connection, and keeps working here.\n",
        errorCode: null);

    public static CommandResult<IReadOnlyList<ChannelShareStatus>> ChannelStatus(IReadOnlyList<ChannelShareStatus> lines)
    {
        if (lines.Count == 0)
        {
            return new("This channel is shared, but with no secure connection yet. Invite one with `/share-channel invite --connectionID <connection id>`.\n", lines);
        }

        var text = new StringBuilder(lines.All(l => l.IsHome)
            ? "##### This channel is shared with\n"
            : "##### This channel is shared from another workspace\n");
        MarkdownText.Table(
            text,
            ["Connection", "Connection ID", "URL", "Read-only", "Invite accepted", "Online", "Last sync (UTC)"],
            lines.Select(l => (IReadOnlyList<string>)
            [
                MarkdownText.Escape(l.DisplayName),
                MarkdownText.Code(l.ConnectionId),
                MarkdownText.Code(l.SiteUrl),
                MarkdownText.YesNo(l.ReadOnly),
                MarkdownText.YesNo(l.InvitationAccepted),
                MarkdownText.YesNo(l.IsOnline),
                MarkdownText.Utc(l.LastSyncAt),
            ]));
        return new(text.ToString(), lines);
    }

    /// <summary>The command the other admin runs, as the product guide writes it: same name and display name.</summary>
    internal static string AcceptCommand(RemoteConnection connection, string invitationCode, string passwordPlaceholder)
    {
        var command = new StringBuilder($"/{CommandCatalog.SecureConnectionTrigger} accept --name ").Append(CommandTokenizer.Quote(connection.Name));
        if (!string.Equals(connection.DisplayName, connection.Name, StringComparison.Ordinal))
        {
            command.Append(" --displayname ").Append(CommandTokenizer.Quote(connection.DisplayName));
        }

        return command.Append(" --password ").Append(passwordPlaceholder).Append(" --invite ").Append(CommandTokenizer.Quote(invitationCode)).ToString();
    }
}
