using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SharedChannels.Sqlite.Internal;

/// <summary>
/// Turns SQLite failures into the SDK's exception family. Messages name the database file and what to check; they
/// never contain parameter values (tokens are parameters), and SQLite's own messages do not either.
/// </summary>
internal static class SqliteErrors
{
    // Primary result codes (https://sqlite.org/rescode.html).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int CantOpen = 14;
    private const int Constraint = 19;
    private const int NotADatabase = 26;

    /// <summary>The extended code of a UNIQUE (not primary key) violation.</summary>
    public const int UniqueConstraint = 2067;

    public static SharedChannelsException Translate(SqliteException exception, string dataSource, int timeoutSeconds) =>
        exception.SqliteErrorCode switch
        {
            Busy or Locked => new SharedChannelsException(
                SharedChannelsErrorCode.Unknown,
                string.Create(CultureInfo.InvariantCulture, $"The SQLite database '{dataSource}' stayed locked by another writer for longer than the timeout ({timeoutSeconds} s). Retry, or raise 'Default Timeout' in the connection string."),
                isTransient: true,
                exception),
            CantOpen => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"The SQLite database '{dataSource}' could not be opened. Check that its directory exists and that this process may read and write the directory and the file.",
                isTransient: false,
                exception),
            ReadOnly => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"The SQLite database '{dataSource}' is read-only. Give this process write access to the file and its directory.",
                isTransient: false,
                exception),
            NotADatabase => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"The file '{dataSource}' is not a SQLite database. Point the connection string at a SQLite file, or at a path where a new one may be created.",
                isTransient: false,
                exception),
            Constraint => new SharedChannelsException(
                exception.SqliteExtendedErrorCode == UniqueConstraint ? SharedChannelsErrorCode.AlreadyExists : SharedChannelsErrorCode.InvalidArgument,
                $"The SQLite database '{dataSource}' refused a change: {exception.Message}",
                isTransient: false,
                exception),
            _ => new SharedChannelsException(
                SharedChannelsErrorCode.Unknown,
                $"The SQLite database '{dataSource}' failed: {exception.Message}",
                isTransient: false,
                exception),
        };
}
