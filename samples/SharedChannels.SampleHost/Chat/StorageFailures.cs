using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// Tells failures of the storage itself (a full disk, a read-only or vanished data folder, an I/O error) from the
/// other failures of a request: they are not the request's fault, and the same request may succeed once space is freed
/// or the folder is writable again, so the API answers them with 503 (see <c>Api/StorageFailureAnswers</c>).
/// </summary>
internal static class StorageFailures
{
    // errno values .NET puts in IOException.HResult on Linux and macOS when it has no better exception type.
    private const int EIO = 5;
    private const int ENOSPC = 28;
    private const int EROFS = 30;
    private const int EDQUOTLinux = 122;
    private const int EDQUOTMac = 69;

    // Win32 errors, in the low word of the HRESULT on Windows.
    private const int ErrorHandleDiskFull = 39;
    private const int ErrorDiskFull = 112;

    /// <summary>Gets whether <paramref name="exception"/> says the storage cannot be written (or read) now.</summary>
    public static bool IsStorageFailure(Exception exception) => Describe(exception) is not null;

    /// <summary>Describes a storage failure in a few words for an answer or a log line; <see langword="null"/> for other failures.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
        {
            raw.SQLITE_FULL => "the disk or the database is full",
            raw.SQLITE_READONLY or raw.SQLITE_PERM or raw.SQLITE_CANTOPEN => "the data folder cannot be written",
            raw.SQLITE_IOERR => "an I/O error in the data folder",
            _ => null,
        },
        UnauthorizedAccessException => "the data folder cannot be written",
        IOException io when io is not FileNotFoundException and not DirectoryNotFoundException => OperatingSystem.IsWindows()
            ? (io.HResult & 0xFFFF) is ErrorDiskFull or ErrorHandleDiskFull ? "the disk is full" : null
            : io.HResult switch
            {
                ENOSPC => "the disk is full",
                EDQUOTLinux when OperatingSystem.IsLinux() => "the disk quota is used up",
                EDQUOTMac when OperatingSystem.IsMacOS() => "the disk quota is used up",
                EROFS => "the data folder cannot be written",
                EIO => "an I/O error in the data folder",
                _ => null,
            },
        _ => null,
    };
}
