using Microsoft.Data.Sqlite;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// Where the ports get their SQLite connections: pooled connections of the <see cref="ChatDatabase"/>, or the one
/// connection of a <see cref="Ports.SqliteInboundTransaction"/> while the SDK applies a peer's message.
/// </summary>
public interface IChatConnections
{
    /// <summary>Opens a connection to read (or write within a transaction of the caller's).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The open connection; dispose it when done.</returns>
    Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a connection to write: SQLite lets one writer in at a time.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The open connection; dispose it when done, which lets the next writer in.</returns>
    Task<SqliteConnection> OpenForWriteAsync(CancellationToken cancellationToken = default);
}
