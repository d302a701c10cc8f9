using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SharedChannels.Sqlite.Internal;

namespace SharedChannels.Sqlite;

/// <summary>
/// One SQLite database holding the SDK's durable state, shared by <see cref="SqliteConnectionStore"/>,
/// <see cref="SqliteSharedChannelStore"/> and <see cref="SqliteSyncStateStore"/>. Safe for concurrent use, across
/// threads and across processes sharing the file.
/// </summary>
/// <remarks>
/// <para>
/// The schema is created or upgraded on first use (or by <see cref="EnsureSchemaAsync"/>): numbered migrations, each
/// applied once in a write transaction and recorded in the <c>schema_version</c> table. The database runs in WAL
/// journal mode; every connection sets <c>busy_timeout</c>, <c>foreign_keys=ON</c> and <c>synchronous=NORMAL</c> (once per native
/// connection of the pool).
/// Each operation opens a pooled connection and makes its change in one transaction.
/// </para>
/// <para>
/// Times are stored as Unix milliseconds (UTC): precision is one millisecond, and times read back have a zero offset.
/// Connection tokens are stored as they are, because they are needed to authenticate peers: protect the file (see
/// docs/security.md).
/// </para>
/// </remarks>
public sealed class SqliteStorage : IDisposable
{
    private const string VersionQuery = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
    private const string RecordVersion = "INSERT INTO schema_version (version, description) VALUES ($version, $description);";

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly int _timeoutSeconds;
    private static readonly object Configured = new();

    private readonly SemaphoreSlim _schemaGate = new(1, 1);

    // The native connections that have this storage's settings; weak, so a handle the pool closes is forgotten.
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();
    private volatile bool _schemaReady;
    private volatile bool _disposed;

    /// <summary>Creates a storage over the database named by <paramref name="connectionString"/>. Nothing is opened yet.</summary>
    /// <param name="connectionString">
    /// A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=/var/lib/chat/shared-channels.db</c>. The file is
    /// created when missing (its directory must exist). <c>Default Timeout</c> (seconds, 30 unless set) bounds how long
    /// an operation waits for another writer; it also sets SQLite's <c>busy_timeout</c>.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The connection string is not valid, names no file, or names an in-memory or read-only database; the message
    /// says which.
    /// </exception>
    public SqliteStorage(string connectionString)
    {
        SqliteConnectionStringBuilder builder = Validate(connectionString, nameof(connectionString));
        _connectionString = builder.ToString();
        _timeoutSeconds = builder.DefaultTimeout;
        DataSource = builder.DataSource;

        // Microsoft.Data.Sqlite retries busy statements until Default Timeout (0 = forever); SQLite's own busy handler
        // gets the same budget, so one setting governs the wait.
        long busyMilliseconds = builder.DefaultTimeout == 0 ? int.MaxValue : Math.Min(builder.DefaultTimeout * 1000L, int.MaxValue);
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
    }

    /// <summary>Gets the database file, as the connection string names it.</summary>
    public string DataSource { get; }

    /// <summary>
    /// Creates the schema, or applies the migrations the database lacks. Runs once per instance; the stores call it
    /// on first use, and a host may call it at start-up to fail fast on a bad path or permissions.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="SharedChannelsException">The database cannot be opened or written, or was created by a newer version of this package.</exception>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_schemaReady)
            {
                await RunAsync(MigrateAsync, cancellationToken).ConfigureAwait(false);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>Releases this database's pooled connections, so the file may be moved or deleted. Later operations throw.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _schemaGate.Dispose();
    }

    /// <summary>Validates a connection string for the stores and returns it parsed.</summary>
    /// <exception cref="ArgumentException">It cannot be used; the message says why, without repeating any value.</exception>
    internal static SqliteConnectionStringBuilder Validate(string connectionString, string paramName)
    {
        const string Example = "For example: 'Data Source=/var/lib/chat/shared-channels.db'.";
        ArgumentNullException.ThrowIfNull(connectionString, paramName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"A SQLite connection string is required. {Example}", paramName);
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // The parser names the offending keyword, never a value, so its message is safe to repeat.
            throw new ArgumentException($"The SQLite connection string is not valid: {ex.Message} {Example}", paramName, ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException($"The SQLite connection string names no database file (Data Source). {Example}", paramName);
        }

        if (builder.Mode == SqliteOpenMode.Memory || string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal))
        {
            throw new ArgumentException("The SQLite connection string names an in-memory database, which would not survive a restart. Name a file, or use UseInMemoryStorage() for tests.", paramName);
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException("The SQLite connection string opens the database read-only (Mode=ReadOnly), but the stores write to it. Use Mode=ReadWriteCreate (the default) or ReadWrite.", paramName);
        }

        if (builder.DefaultTimeout < 0)
        {
            throw new ArgumentException("The SQLite connection string has a negative Default Timeout. Use a number of seconds, or 0 to wait without limit.", paramName);
        }

        return builder;
    }

    /// <summary>Opens a connection with this storage's per-connection settings. The schema is not checked.</summary>
    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // The settings stay with the native connection, which the pool hands out again: applied once per native
            // connection, not once per operation (a batch makes 8-10 store operations).
            if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
            {
                using SqliteCommand pragmas = connection.CreateCommand();
                pragmas.CommandText = _connectionPragmas;
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _configured.AddOrUpdate(handle, Configured);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs one operation on its own connection, after making sure the schema is current.</summary>
    internal async Task<T> ExecuteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one operation in a write transaction (<c>BEGIN IMMEDIATE</c>: the write lock is taken up front, so a
    /// read-modify-write cannot interleave with another writer); commits when it returns, rolls back when it throws.
    /// </summary>
    internal Task<T> ExecuteInTransactionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        ExecuteAsync(
            async (connection, ct) =>
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
                T result = await operation(connection, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return result;
            },
            cancellationToken);

    private async Task<T> RunAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await operation(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex, DataSource, _timeoutSeconds);
        }
    }

    private async Task<int> MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // The journal mode is stored in the file and cannot change inside a transaction; setting it again is a no-op.
        using (SqliteCommand wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // BEGIN IMMEDIATE: two processes opening a new file at once migrate one after the other, and the second
        // finds nothing left to do.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        using (SqliteCommand create = connection.CreateCommand())
        {
            create.CommandText = SchemaMigrations.CreateVersionTable;
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        using (SqliteCommand version = connection.CreateCommand())
        {
            version.CommandText = VersionQuery;
            current = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        if (current > SchemaMigrations.Latest)
        {
            throw new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                string.Create(CultureInfo.InvariantCulture, $"The SQLite database '{DataSource}' has schema version {current}, written by a newer SharedChannels.Sdk.Sqlite; this version knows up to {SchemaMigrations.Latest}. Upgrade the package, or restore a backup taken before the upgrade."));
        }

        int applied = 0;
        foreach (SchemaMigration migration in SchemaMigrations.All.Where(m => m.Version > current))
        {
            using (SqliteCommand step = connection.CreateCommand())
            {
                step.CommandText = migration.Sql;
                await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using (SqliteCommand record = connection.CreateCommand())
            {
                record.CommandText = RecordVersion;
                record.Bind("$version", migration.Version).Bind("$description", migration.Description);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            applied++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }
}
