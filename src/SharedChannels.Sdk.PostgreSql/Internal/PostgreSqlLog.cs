using Microsoft.Extensions.Logging;

namespace SharedChannels.PostgreSql.Internal;

/// <summary>
/// The log lines of the PostgreSQL package, with stable event ids (1650-1669, beside the SDK's 1600-1649 for several
/// nodes). Arguments are names and reasons, never connection strings or passwords.
/// </summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(1650, LogLevel.Information, "Listening for change signals of other nodes on PostgreSQL channel {Channel} of the database {Database}.")]
    public static partial void Listening(ILogger logger, string channel, string database);

    [LoggerMessage(1651, LogLevel.Warning, "Listening for change signals on the database {Database} failed; reconnecting in {Delay}, then catching up every connection this node owns. Reason: {Reason}")]
    public static partial void ListenFailed(ILogger logger, string database, TimeSpan delay, string reason);

    [LoggerMessage(1652, LogLevel.Debug, "Ignored a change signal that is not in this package's format (on PostgreSQL channel {Channel}).")]
    public static partial void SignalIgnored(ILogger logger, string channel);
}
