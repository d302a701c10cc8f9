namespace SharedChannels.Commands.Internal;

/// <summary>What a parsed command asks for: one value per subcommand.</summary>
internal enum CommandKind
{
    Help = 0,
    CreateConnection,
    AcceptInvitation,
    RemoveConnection,
    ConnectionStatus,
    InviteConnection,
    UninviteConnection,
    UnshareChannel,
    ChannelStatus,
    UpdateConnection,
}
