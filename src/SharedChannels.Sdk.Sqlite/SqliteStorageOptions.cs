namespace SharedChannels.Sqlite;

/// <summary>Configures a <see cref="SqliteStorage"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// Gets or sets the Microsoft.Data.Sqlite connection string, for example
    /// <c>Data Source=/var/lib/chat/shared-channels.db</c>. The database file is created when it does not exist
    /// (its directory must exist). In-memory and read-only databases are rejected.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets how long an operation waits for another writer to release the database before it fails
    /// (SQLite's <c>busy_timeout</c>). Defaults to 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
