using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// The sample host's own chat data: one SQLite file with users, channels, posts and so on. The SDK keeps its state
/// (connections, shared channels, sync cursors) in a separate file through <c>UseSqliteStorage</c>.
/// </summary>
/// <remarks>
/// Every local or incoming change to a channel's content is also appended to the <c>changes</c> table in the same
/// transaction. Its <c>seq</c> column is the sync cursor: SQLite lets one writer at a time hold the write lock until
/// it commits, so sequence numbers become visible in order and a reader never skips one (a gap-free cursor).
/// A database with concurrent writers (PostgreSQL, SQL Server) needs more care than an identity column.
/// <para>
/// Writers of this process take turns at a gate (<see cref="OpenForWriteAsync"/>) rather than in SQLite's busy handler,
/// and everything one peer's message writes is one transaction (<see cref="Ports.SqliteInboundTransaction"/>): see
/// benchmarks/SCENARIOS.md for what each of these changed.
/// </para>
/// </remarks>
public sealed class ChatDatabase : IChatConnections, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            id                 TEXT PRIMARY KEY,
            username           TEXT NOT NULL COLLATE NOCASE UNIQUE,
            first_name         TEXT NOT NULL DEFAULT '',
            last_name          TEXT NOT NULL DEFAULT '',
            nickname           TEXT NOT NULL DEFAULT '',
            position           TEXT NOT NULL DEFAULT '',
            is_bot             INTEGER NOT NULL DEFAULT 0,
            is_admin           INTEGER NOT NULL DEFAULT 0,
            update_at          INTEGER NOT NULL,
            delete_at          INTEGER,
            remote_id          TEXT,  -- the connection owning a shadow user; NULL for users of this workspace
            remote_username    TEXT,
            original_remote_id TEXT
        );
        CREATE TABLE IF NOT EXISTS statuses (
            user_id          TEXT PRIMARY KEY,
            status           TEXT NOT NULL,
            manual           INTEGER NOT NULL,
            last_activity_at INTEGER NOT NULL,
            dnd_end_time     INTEGER
        );
        CREATE TABLE IF NOT EXISTS channels (
            id           TEXT PRIMARY KEY,
            team_id      TEXT NOT NULL DEFAULT '',
            name         TEXT NOT NULL,
            display_name TEXT NOT NULL DEFAULT '',
            header       TEXT NOT NULL DEFAULT '',
            purpose      TEXT NOT NULL DEFAULT '',
            type         INTEGER NOT NULL,
            creator_id   TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE IF NOT EXISTS channel_members (
            channel_id TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            PRIMARY KEY (channel_id, user_id)
        );
        CREATE TABLE IF NOT EXISTS posts (
            id         TEXT PRIMARY KEY,
            channel_id TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            root_id    TEXT NOT NULL DEFAULT '',
            message    TEXT NOT NULL,
            type       TEXT NOT NULL DEFAULT '',
            create_at  INTEGER NOT NULL,
            update_at  INTEGER NOT NULL,
            edit_at    INTEGER,
            delete_at  INTEGER,
            is_pinned  INTEGER NOT NULL DEFAULT 0,
            file_ids   TEXT NOT NULL DEFAULT '',
            remote_id  TEXT   -- the connection the post came from; NULL when written here
        );
        CREATE INDEX IF NOT EXISTS posts_by_channel ON posts (channel_id, create_at);
        CREATE TABLE IF NOT EXISTS reactions (
            post_id    TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            emoji_name TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            create_at  INTEGER NOT NULL,
            update_at  INTEGER NOT NULL,
            delete_at  INTEGER,
            remote_id  TEXT,
            PRIMARY KEY (post_id, user_id, emoji_name)
        );
        CREATE TABLE IF NOT EXISTS acknowledgements (
            post_id         TEXT NOT NULL,
            user_id         TEXT NOT NULL,
            channel_id      TEXT NOT NULL,
            acknowledged_at INTEGER,
            remote_id       TEXT,
            PRIMARY KEY (post_id, user_id)
        );
        -- Files attached to posts. The bytes are in the data folder under storage_name, a name this host generated:
        -- the name a user or a peer gave the file is only shown (name), never used as a path.
        CREATE TABLE IF NOT EXISTS files (
            id           TEXT PRIMARY KEY,
            channel_id   TEXT NOT NULL,
            user_id      TEXT NOT NULL,
            name         TEXT NOT NULL,
            size         INTEGER NOT NULL,
            mime_type    TEXT NOT NULL,
            create_at    INTEGER NOT NULL,
            remote_id    TEXT,  -- the connection the file came from; NULL when uploaded here
            storage_name TEXT NOT NULL
        );
        -- Profile images, local or received from a peer; the bytes are in the data folder under storage_name.
        CREATE TABLE IF NOT EXISTS profile_images (
            user_id      TEXT PRIMARY KEY,
            storage_name TEXT NOT NULL,
            update_at    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS custom_emoji (
            name       TEXT PRIMARY KEY,
            creator_id TEXT NOT NULL,
            create_at  INTEGER NOT NULL
        );
        -- The change log the SDK reads after a cursor. Posts, reactions and acknowledgements are read back in their
        -- latest state; membership changes are events, so the row carries the whole change.
        CREATE TABLE IF NOT EXISTS changes (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            channel_id TEXT NOT NULL,
            kind       TEXT NOT NULL,  -- 'post', 'reaction', 'acknowledgement' or 'membership'
            post_id    TEXT,
            user_id    TEXT,
            emoji_name TEXT,
            is_add     INTEGER,
            at         INTEGER,
            remote_id  TEXT
        );
        CREATE INDEX IF NOT EXISTS changes_by_channel ON changes (channel_id, seq);
        -- The latest join or leave of a user (the SDK asks for it so a late, older change never undoes a newer one).
        CREATE INDEX IF NOT EXISTS changes_memberships ON changes (channel_id, user_id, seq) WHERE kind = 'membership';
        """;

    // Per connection (SQLite does not keep it in the file): a writer of another process, or one not going through the
    // gate, that finds the write lock taken waits inside SQLite instead of getting SQLITE_BUSY, which
    // Microsoft.Data.Sqlite retries only every 150 ms. The setting stays with the native connection when the pool hands
    // it out again, so it is applied once per native connection.
    // Durability is SQLite's default (synchronous = FULL: a commit waits for its fsync), so what the SDK answered OK
    // for survives a power loss. A peer's message commits once (SqliteInboundTransaction), which made that affordable.
    // The log is checkpointed in the background (WalCheckpoints), not by the commits.
    private const string ConnectionSettings = "PRAGMA busy_timeout = 30000; PRAGMA wal_autocheckpoint = 0;";

    private static readonly TimeSpan WriterTimeout = TimeSpan.FromSeconds(30);
    // SQLite's own maximum (the default of max_page_count), which lifts a limit set by LimitPageCount.
    private const long NoPageLimit = 4294967294;

    // The version of the settings each native connection has (see ConfigureAsync).
    private static readonly ConditionalWeakTable<sqlite3, StrongBox<int>> Configured = [];

    private readonly string _connectionString;

    // One writer of this process at a time: the peer's message being applied, or one of the host's own writes.
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private PeerWriterConnection? _writer;
    private readonly GroupedWrites _groupedWrites;
    private WalCheckpoints? _checkpoints;
    private long _maxPageCount = NoPageLimit;
    private int _settingsVersion;

    private ChatDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _groupedWrites = new GroupedWrites(this);
    }

    /// <summary>Opens the database at <paramref name="path"/>, creating the file and its tables when missing.</summary>
    /// <param name="path">The database file; its directory must exist.</param>
    /// <returns>The database.</returns>
    public static ChatDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var database = new ChatDatabase(path);
        using var connection = new SqliteConnection(database._connectionString);
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();

        // WAL lets the SDK read changes while the host writes.
        command.CommandText = "PRAGMA journal_mode = WAL;" + Schema;
        command.ExecuteNonQuery();
        database._checkpoints = WalCheckpoints.Start(database);
        return database;
    }

    /// <summary>Opens a pooled connection.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The open connection; dispose it when done.</returns>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ConfigureAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens a pooled connection for a write (or a transaction that writes) once the writers of this process ahead of it
    /// are done. SQLite lets one writer in at a time; waiting here wakes the next one as soon as the previous one
    /// is done, where waiting in SQLite's busy handler means sleeping in growing steps (up to 100 ms) and polling, which
    /// made the slowest posts of a steady stream take well over 100 ms.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The open connection; dispose it when done, which lets the next writer in.</returns>
    /// <exception cref="TimeoutException">Another writer kept the database for 30 seconds.</exception>
    public async Task<SqliteConnection> OpenForWriteAsync(CancellationToken cancellationToken = default)
    {
        await WaitForWriterGateAsync(cancellationToken);
        var connection = new GatedConnection(_connectionString, _writerGate);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ConfigureAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            // Disposing lets the next writer in.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs a write in a transaction shared with the writes that arrive meanwhile (group commit, each write in a savepoint
    /// of its own: see <see cref="GroupedWrites"/>), and returns its result once that transaction is committed.
    /// </summary>
    /// <typeparam name="T">The write's result.</typeparam>
    /// <param name="write">The statements to run on the connection given, inside the transaction (it must not begin or commit one).</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns>The write's result, once committed.</returns>
    internal Task<T> WriteGroupedAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken = default) =>
        _groupedWrites.RunAsync(write, cancellationToken);

    /// <summary>Releases the pooled connections, so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        _checkpoints?.Dispose();
        _checkpoints = null;
        _writer?.CloseForGood();
        _writer = null;
        _writerGate.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// Begins a transaction on <paramref name="db"/>, or returns <see langword="null"/> when it already is the connection
    /// of a peer's message, whose transaction covers the operation.
    /// </summary>
    internal static SqliteTransaction? BeginTransactionUnlessShared(SqliteConnection db, bool deferred) =>
        db is PeerWriterConnection ? null : db.BeginTransaction(deferred);

    /// <summary>Waits for the writer gate, then returns the connection peers' messages write through, opening it the first time.</summary>
    internal async Task<PeerWriterConnection> AcquireWriterAsync(CancellationToken cancellationToken)
    {
        await WaitForWriterGateAsync(cancellationToken);
        try
        {
            if (_writer is null)
            {
                var writer = new PeerWriterConnection(_connectionString);
                await writer.OpenAsync(cancellationToken);
                await ConfigureAsync(writer, cancellationToken);

                // Only this long-lived connection gets a larger page cache (16 MB, SQLite's default is 2 MB): every post
                // a peer sends is an insert at a random place in the index of post ids, which then stays in memory at a
                // few hundred thousand posts instead of being read back from the file.
                using (SqliteCommand cache = writer.CreateCommand())
                {
                    cache.CommandText = "PRAGMA cache_size = -16384;";
                    await cache.ExecuteNonQueryAsync(cancellationToken);
                }

                _writer = writer;
            }
            else
            {
                await ConfigureAsync(_writer, cancellationToken);
            }

            return _writer;
        }
        catch
        {
            _writerGate.Release();
            throw;
        }
    }

    internal void ReleaseWriter() => _writerGate.Release();

    /// <summary>
    /// For tests: limits the file to <paramref name="maxPageCount"/> pages, so that writes needing more fail with
    /// SQLITE_FULL exactly as on a full disk; <see langword="null"/> lifts the limit. SQLite keeps the limit per
    /// connection, so every connection gets it the next time it is handed out (never less than the file's size).
    /// </summary>
    internal void LimitPageCount(long? maxPageCount)
    {
        Volatile.Write(ref _maxPageCount, maxPageCount ?? NoPageLimit);
        Interlocked.Increment(ref _settingsVersion);
    }

    // As long as SQLite's own busy timeout: a writer that never finishes fails the others rather than hanging them.
    private async Task WaitForWriterGateAsync(CancellationToken cancellationToken)
    {
        if (!await _writerGate.WaitAsync(WriterTimeout, cancellationToken))
        {
            throw new TimeoutException($"Another write kept the chat database for {WriterTimeout.TotalSeconds:0} seconds.");
        }
    }

    private async Task ConfigureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        int version = Volatile.Read(ref _settingsVersion);
        StrongBox<int>? applied = null;
        if (connection.Handle is { } native && Configured.TryGetValue(native, out applied) && applied.Value == version)
        {
            return;
        }

        using SqliteCommand settings = connection.CreateCommand();
        settings.CommandText = applied is null ? ConnectionSettings : "";
        if (version != 0)
        {
            // Only once a test has limited the size (LimitPageCount); SQLite's default otherwise.
            settings.CommandText += $"PRAGMA max_page_count = {Volatile.Read(ref _maxPageCount)};";
        }

        await settings.ExecuteNonQueryAsync(cancellationToken);
        if (connection.Handle is { } configured)
        {
            Configured.AddOrUpdate(configured, new StrongBox<int>(version));
        }
    }
}
