using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Commands.Internal;
using SharedChannels.Connections;
using SharedChannels.Internal;
using SharedChannels.Sharing;
using SharedChannels.Storage;

namespace SharedChannels.Commands;

/// <summary>
/// Runs the product guide's slash commands, <c>/secure-connection</c> and <c>/share-channel</c>, for a host that
/// registers them with its chat server: it parses the text typed, calls <see cref="SecureConnections"/> or
/// <see cref="ChannelSharing"/>, and answers with Markdown to show to the user who ran the command.
/// </summary>
/// <remarks>
/// <para>
/// The commands add no behaviour of their own: permissions (<see cref="Identity.SharedChannelsPermission"/>) are
/// checked by the services, and a command of a feature switched off answers which setting turns it on.
/// </para>
/// <para>
/// The answers never contain a password the user typed or the code of an invitation being accepted, and command
/// lines are never logged. Only <c>/secure-connection create</c> writes secrets: the code it created and, when
/// the password was left out, the password it generated.
/// </para>
/// </remarks>
public class SlashCommandHandler
{
    /// <summary>The trigger of the secure connection command, without its slash.</summary>
    public const string SecureConnectionTrigger = CommandCatalog.SecureConnectionTrigger;

    /// <summary>The trigger of the channel sharing command, without its slash.</summary>
    public const string ShareChannelTrigger = CommandCatalog.ShareChannelTrigger;

    private readonly SecureConnections _connections;
    private readonly ChannelSharing _sharing;
    private readonly IOptionsMonitor<SharedChannelsOptions> _options;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="SlashCommandHandler"/> class for mocking in a host's unit tests.</summary>
    protected SlashCommandHandler()
        : this(null!, null!, null!, null!)
    {
    }

    internal SlashCommandHandler(
        SecureConnections connections,
        ChannelSharing sharing,
        IOptionsMonitor<SharedChannelsOptions> options,
        ILogger<SlashCommandHandler> logger)
    {
        _connections = connections;
        _sharing = sharing;
        _options = options;
        _logger = logger;
    }

    /// <summary>
    /// Runs a command line such as <c>/secure-connection create --name acme --password "two words"</c>. Any text
    /// gets an answer: a command that cannot be read answers what is wrong and its usage, a refused one answers why.
    /// </summary>
    /// <param name="actingUserId">The local user who typed the command; their permissions decide what they may do.</param>
    /// <param name="commandLine">The full text typed, with its trigger (the leading slash may be left out).</param>
    /// <param name="context">The channel and team the command was typed in.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>
    /// The answer. A successful command that returns data answers with a <see cref="CommandResult{TData}"/>:
    /// <list type="table">
    /// <listheader><term>Command</term><description>Data</description></listheader>
    /// <item><term><c>/secure-connection create</c></term><description><see cref="ConnectionInvitation"/> (secret: the code and the password)</description></item>
    /// <item><term><c>/secure-connection accept</c>, <c>update</c>, <c>remove</c></term><description><see cref="RemoteConnection"/></description></item>
    /// <item><term><c>/secure-connection status</c></term><description><see cref="IReadOnlyList{T}"/> of <see cref="RemoteConnection"/>, deleted ones included</description></item>
    /// <item><term><c>/share-channel invite</c></term><description><see cref="SharedChannelRemote"/></description></item>
    /// <item><term><c>/share-channel status</c></term><description><see cref="IReadOnlyList{T}"/> of <see cref="ChannelShareStatus"/></description></item>
    /// </list>
    /// <c>uninvite</c>, <c>unshare</c>, <c>help</c> and every failure answer with a plain <see cref="CommandResult"/>.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="actingUserId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public virtual async Task<CommandResult> ExecuteAsync(string actingUserId, string commandLine, CommandContext context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actingUserId);
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(context);

        ParseResult parsed = CommandParser.Parse(commandLine);
        string name = parsed.Command is null ? "an unknown command"
            : parsed.Subcommand is null ? "/" + parsed.Command.Trigger
            : $"/{parsed.Command.Trigger} {parsed.Subcommand.Name}";
        CommandResult result;
        try
        {
            if (parsed.Command is { } command)
            {
                EnsureEnabled(command);
            }

            result = parsed.Succeeded
                ? await RunAsync(actingUserId, parsed, context, cancellationToken).ConfigureAwait(false)
                : CommandResponses.Usage(parsed);
        }
        catch (SharedChannelsException ex)
        {
            result = CommandResponses.Failure(ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // A chat command answers every failure: the details go to the log, never into the chat.
            CommandLog.CommandFailedUnexpectedly(_logger, ex, name);
            result = CommandResponses.Unexpected();
        }

        CommandLog.CommandRan(_logger, actingUserId, name, result.Succeeded, result.ErrorCode);
        return result;
    }

    private async Task<CommandResult> RunAsync(string user, ParseResult parsed, CommandContext context, CancellationToken cancellationToken)
    {
        switch (parsed.Subcommand!.Kind)
        {
            case CommandKind.CreateConnection:
            {
                string? password = parsed.Value(CommandCatalog.PasswordKey);
                ConnectionInvitation invitation = await _connections.CreateAsync(
                    user,
                    new CreateConnectionRequest
                    {
                        Name = parsed.Value(CommandCatalog.NameKey)!,
                        DisplayName = parsed.Value(CommandCatalog.DisplayNameKey),
                        DefaultTeamId = context.TeamId,
                        Password = password,
                    },
                    cancellationToken).ConfigureAwait(false);
                return CommandResponses.Created(invitation, passwordGenerated: password is null, _options.CurrentValue.InvitationExpiry);
            }

            case CommandKind.AcceptInvitation:
            {
                RemoteConnection connection = await _connections.AcceptAsync(
                    user,
                    new AcceptInvitationRequest
                    {
                        Name = parsed.Value(CommandCatalog.NameKey)!,
                        DisplayName = parsed.Value(CommandCatalog.DisplayNameKey),
                        DefaultTeamId = context.TeamId,
                        InvitationCode = parsed.Value(CommandCatalog.InviteKey)!,
                        Password = parsed.Value(CommandCatalog.PasswordKey)!,
                    },
                    cancellationToken).ConfigureAwait(false);
                return CommandResponses.Accepted(connection);
            }

            case CommandKind.RemoveConnection:
                return CommandResponses.Removed(await _connections.DeleteAsync(user, parsed.Value(CommandCatalog.ConnectionIdKey)!, cancellationToken).ConfigureAwait(false));

            case CommandKind.UpdateConnection:
            {
                string? displayName = parsed.Value(CommandCatalog.DisplayNameKey);
                string? siteUrl = parsed.Value(CommandCatalog.SiteUrlKey);
                if (displayName is null && siteUrl is null)
                {
                    throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "Give --displayname and/or --siteurl: there is nothing else to update.");
                }

                return CommandResponses.Updated(await _connections.UpdateAsync(
                    user,
                    parsed.Value(CommandCatalog.ConnectionIdKey)!,
                    new UpdateConnectionRequest { DisplayName = displayName, SiteUrl = siteUrl },
                    cancellationToken).ConfigureAwait(false));
            }

            case CommandKind.ConnectionStatus:
                // The guide's status has a "Deleted" column: deleted connections are listed too.
                return CommandResponses.ConnectionStatus(await _connections.ListAsync(user, includeDeleted: true, cancellationToken).ConfigureAwait(false));

            case CommandKind.InviteConnection:
                return CommandResponses.Invited(await _sharing.InviteAsync(
                    user,
                    RequireChannel(context),
                    parsed.Value(CommandCatalog.ConnectionIdKey)!,
                    parsed.Switch(CommandCatalog.ReadOnlyKey),
                    cancellationToken).ConfigureAwait(false));

            case CommandKind.UninviteConnection:
            {
                string connectionId = parsed.Value(CommandCatalog.ConnectionIdKey)!;
                await _sharing.UninviteAsync(user, RequireChannel(context), connectionId, cancellationToken).ConfigureAwait(false);
                return CommandResponses.Uninvited(connectionId);
            }

            case CommandKind.UnshareChannel:
                await _sharing.UnshareAsync(user, RequireChannel(context), cancellationToken).ConfigureAwait(false);
                return CommandResponses.Unshared();

            case CommandKind.ChannelStatus:
                return CommandResponses.ChannelStatus(await _sharing.GetStatusAsync(user, RequireChannel(context), cancellationToken).ConfigureAwait(false));

            default:
                return CommandResponses.Help(parsed.Command!);
        }
    }

    /// <summary>Refuses the commands of a feature switched off, naming the setting, before anything else (status included).</summary>
    private void EnsureEnabled(CommandSpec command)
    {
        SharedChannelsOptions options = _options.CurrentValue;
        if (command.Trigger == CommandCatalog.ShareChannelTrigger)
        {
            FeatureGuard.EnsureSharedChannels(options);
        }
        else
        {
            FeatureGuard.EnsureRemoteClusterService(options);
        }
    }

    private static string RequireChannel(CommandContext context) =>
        string.IsNullOrWhiteSpace(context.ChannelId)
            ? throw new SharedChannelsException(
                SharedChannelsErrorCode.InvalidArgument,
                $"/{CommandCatalog.ShareChannelTrigger} works on the channel it is typed in, and no channel was given. Run it in the channel to share.")
            : context.ChannelId;
}
