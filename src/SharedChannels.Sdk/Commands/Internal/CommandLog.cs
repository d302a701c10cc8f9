using Microsoft.Extensions.Logging;

namespace SharedChannels.Commands.Internal;

/// <summary>Log events of the slash commands (1700–1799). Command lines are never logged: they carry passwords and codes.</summary>
internal static partial class CommandLog
{
    [LoggerMessage(1700, LogLevel.Debug, "User {UserId} ran {Command}: succeeded {Succeeded}, error {ErrorCode}.")]
    public static partial void CommandRan(ILogger logger, string userId, string command, bool succeeded, SharedChannelsErrorCode? errorCode);

    [LoggerMessage(1701, LogLevel.Error, "{Command} failed unexpectedly; the user was told to look in the server log.")]
    public static partial void CommandFailedUnexpectedly(ILogger logger, Exception exception, string command);
}
