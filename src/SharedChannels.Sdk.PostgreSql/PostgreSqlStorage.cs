using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using SharedChannels.PostgreSql.Internal;

namespace SharedChannels.PostgreSql;

/// <summary>
/// One PostgreSQL schema holding the SDK's durable state, shared by <see cref="PostgreSqlConnectionStore"/>,
/// <see cref="PostgreSqlSharedChannelStore"/> and <see cref="PostgreSqlSyncStateStore"/>. Safe for concurrent use,
/// across threads and across processes sharing the database (several nodes of one workspace).
/// </summary>
/// <remarks>
/// <para>
/// The schema (by default <c>shared_channels</c>) and its tables are created or upgraded on first use (or by
/// <see cref="EnsureSchemaAsync"/>): numbered migrations, applied in one transaction and recorded in the
/// <c>schema_version</c> table. The migration transaction first takes a transaction-scoped advisory lock
/// (<c>pg_advisory_xact_lock</c>), so processes starting at once over one database migrate one after the other and
/// the later ones find nothing left to do. A transaction-scoped lock also works behind a transaction-pooling proxy.
/// </para>
/// <para>
/// Each operation takes a pooled connection from the <see cref="NpgsqlDataSource"/> and makes its change in one
/// statement. Times are stored as <c>timestamptz</c>: precision is one microsecond, and times read back are UTC
/// (a zero offset; the same instant, so <see cref="DateTimeOffset"/> equality holds). Text cannot hold the NUL
/// character in PostgreSQL: a value containing one is refused with <see cref="SharedChannelsErrorCode.InvalidArgument"/>.
/// Connection tokens are stored as they are, because they are needed to authenticate peers: restrict who may read
/// the schema (see docs/security.md).
/// </para>
/// </remarks>
public sealed partial class PostgreSqlStorage : IDisposable, IAsyncDisposable
{
    /// <summary>The schema the stores use unless told otherwise: <c>shared_channels</c>.</summary>
    public const string DefaultSchema = "shared_channels";

    private const string ConnectionStringExample = "For example: 'Host=db.example.com;Database=chat;Username=chat;Password=…'.";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _database;
    private readonly string _quotedSchema;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;
    private volatile bool _disposed;

    /// <summary>
    /// Creates a storage over the database named by <paramref name="connectionString"/>, in the schema
    /// <see cref="DefaultSchema"/>. Nothing is opened yet. The storage builds its own <see cref="NpgsqlDataSource"/>
    /// (a connection pool) and disposes it with itself.
    /// </summary>
    /// <param name="connectionString">
    /// An Npgsql connection string, e.g. <c>Host=db.example.com;Database=chat;Username=chat;Password=…</c>. The database
    /// must exist; the user needs the right to create the schema, or the schema must exist and belong to it.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The connection string is not valid, names no server, or asks for a read-only server; the message says which,
    /// and never repeats the password.
    /// </exception>
    public PostgreSqlStorage(string connectionString)
        : this(connectionString, DefaultSchema)
    {
    }

    /// <summary>
    /// Creates a storage over the database named by <paramref name="connectionString"/>, in the schema
    /// <paramref name="schema"/>. Nothing is opened yet. The storage builds its own <see cref="NpgsqlDataSource"/>
    /// (a connection pool) and disposes it with itself.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string; see <see cref="PostgreSqlStorage(string)"/>.</param>
    /// <param name="schema">
    /// The schema that holds the tables: a lower-case PostgreSQL name (letters, digits and underscores, not starting
    /// with a digit or <c>pg_</c>, at most 63 characters). Two workspaces may share a database with a schema each.
    /// </param>
    /// <exception cref="ArgumentException">The connection string or the schema name cannot be used; the message says why.</exception>
    public PostgreSqlStorage(string connectionString, string schema)
    {
        NpgsqlConnectionStringBuilder builder = Validate(connectionString, nameof(connectionString));
        Schema = ValidateSchema(schema, nameof(schema));
        _quotedSchema = Quote(Schema);
        _database = Describe(builder);
        _dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        _ownsDataSource = true;
    }

    /// <summary>
    /// Creates a storage over a data source the host owns, in the schema <see cref="DefaultSchema"/>. Nothing is
    /// opened yet, and the data source is not disposed with the storage.
    /// </summary>
    /// <param name="dataSource">The host's data source, e.g. the one it uses for its own tables.</param>
    public PostgreSqlStorage(NpgsqlDataSource dataSource)
        : this(dataSource, DefaultSchema)
    {
    }

    /// <summary>
    /// Creates a storage over a data source the host owns, in the schema <paramref name="schema"/>. Nothing is opened
    /// yet, and the data source is not disposed with the storage.
    /// </summary>
    /// <param name="dataSource">The host's data source, e.g. the one it uses for its own tables.</param>
    /// <param name="schema">The schema that holds the tables; see <see cref="PostgreSqlStorage(string, string)"/>.</param>
    /// <exception cref="ArgumentException">The schema name cannot be used; the message says why.</exception>
    public PostgreSqlStorage(NpgsqlDataSource dataSource, string schema)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        Schema = ValidateSchema(schema, nameof(schema));
        _quotedSchema = Quote(Schema);
        _database = Describe(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString));
        _dataSource = dataSource;
        _ownsDataSource = false;
    }

    /// <summary>Gets the schema that holds the tables.</summary>
    public string Schema { get; }

    /// <summary>Gets the data source the stores use: the host's, or the one this storage built.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Gets the database as messages name it: database, server and port, never the connection string.</summary>
    internal string Database => _database;

    /// <summary>Turns an Npgsql failure into the SDK's exception, naming this database.</summary>
    internal SharedChannelsException Translate(NpgsqlException exception) => PostgreSqlErrors.Translate(exception, _database, Schema);

    /// <summary>
    /// Creates the schema and its tables, or applies the migrations the database lacks. Runs once per instance; the
    /// stores call it on first use, and a host may call it at start-up to fail fast on a wrong server, password or
    /// permission.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="SharedChannelsException">
    /// The database cannot be reached or written, or was migrated by a newer version of this package.
    /// </exception>
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

    /// <summary>
    /// Closes the storage: the data source it built from a connection string is disposed (its pooled connections
    /// closed); a data source given by the host is left open. Later operations throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }

        _schemaGate.Dispose();
    }

    /// <summary>
    /// Closes the storage asynchronously: the data source it built from a connection string is disposed; a data
    /// source given by the host is left open. Later operations throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <returns>A task that completes when the storage is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _schemaGate.Dispose();
    }

    /// <summary>Validates a connection string for the stores and returns it parsed.</summary>
    /// <exception cref="ArgumentException">It cannot be used; the message says why, without repeating the password.</exception>
    internal static NpgsqlConnectionStringBuilder Validate(string connectionString, string paramName)
    {
        ArgumentNullException.ThrowIfNull(connectionString, paramName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"A PostgreSQL connection string is required. {ConnectionStringExample}", paramName);
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or OverflowException or InvalidCastException)
        {
            // The parser may quote a value it could not read; the password is cut out of its message, and the parser's
            // exception is not kept as the inner exception, since whoever logs this one would log it too.
            throw new ArgumentException(
                $"The PostgreSQL connection string is not valid: {Redact(ex.Message, connectionString)} {ConnectionStringExample}",
                paramName);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException($"The PostgreSQL connection string names no server (Host). {ConnectionStringExample}", paramName);
        }

        if (builder.TargetSessionAttributes is { } attributes &&
            (attributes.Equals("read-only", StringComparison.OrdinalIgnoreCase) || attributes.Equals("standby", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                "The PostgreSQL connection string asks for a read-only server (Target Session Attributes), but the stores write. Use 'read-write' or 'primary', or leave it out.",
                paramName);
        }

        return builder;
    }

    /// <summary>Validates a schema name, which is written into the SQL, so only plain lower-case names are taken.</summary>
    /// <exception cref="ArgumentException">The name cannot be used; the message says what can.</exception>
    internal static string ValidateSchema(string schema, string paramName)
    {
        ArgumentNullException.ThrowIfNull(schema, paramName);
        if (!SchemaName().IsMatch(schema) || schema.StartsWith("pg_", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The schema name '{schema}' cannot be used. Use lower-case letters, digits and underscores, starting with a letter or underscore but not 'pg_', at most 63 characters; for example '{DefaultSchema}'.",
                paramName);
        }

        return schema;
    }

    /// <summary>Writes a statement for this storage's schema: <c>{schema}</c> becomes the quoted schema name.</summary>
    internal string Sql(string template) => template.Replace("{schema}", _quotedSchema, StringComparison.Ordinal);

    /// <summary>Runs one operation on its own pooled connection, after making sure the schema is current.</summary>
    internal async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The advisory lock key of a schema's migrations: FNV-1a over a fixed prefix and the schema name, so it is stable across processes and versions.</summary>
    internal static long MigrationLockKey(string schema)
    {
        const ulong Offset = 14695981039346656037;
        const ulong Prime = 1099511628211;
        ulong hash = Offset;
        foreach (byte b in Encoding.UTF8.GetBytes("SharedChannels.Sdk.PostgreSql/migrations/" + schema))
        {
            hash = (hash ^ b) * Prime;
        }

        return unchecked((long)hash);
    }

    private static string Quote(string schema) => "\"" + schema + "\"";

    private static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        string database = string.IsNullOrEmpty(builder.Database) ? "(the user's default database)" : $"'{builder.Database}'";
        return string.Create(CultureInfo.InvariantCulture, $"{database} on '{builder.Host}' port {builder.Port}");
    }

    /// <summary>
    /// Cuts the password of <paramref name="connectionString"/>, as far as it can be found, out of a message. Npgsql's
    /// parser names keywords, not values, in its own messages today; this keeps it so if that changes.
    /// </summary>
    internal static string Redact(string message, string connectionString)
    {
        foreach (Match match in PasswordValue().Matches(connectionString))
        {
            string value = match.Groups["value"].Value.Trim();
            if (value.Length >= 2 && value[0] is '\'' or '"' && value[^1] == value[0])
            {
                char quote = value[0];
                value = value[1..^1].Replace(new string(quote, 2), quote.ToString(), StringComparison.Ordinal);
            }

            if (value.Length > 0)
            {
                message = message.Replace(value, "***", StringComparison.Ordinal);
            }
        }

        return message;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();

    [GeneratedRegex("""(?:password|pwd)\s*=\s*(?<value>"(?:[^"]|"")*"|'(?:[^']|'')*'|[^;]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordValue();

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await operation(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException ex)
        {
            throw PostgreSqlErrors.Translate(ex, _database, Schema);
        }
    }

    private async Task<int> MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // Held until commit or rollback: a second process starting now waits here, then sees the schema done.
            using (NpgsqlCommand command = connection.CreateCommand())
            {
                command.CommandText = "SELECT pg_advisory_xact_lock(@key);";
                command.Bind("key", NpgsqlDbType.Bigint, MigrationLockKey(Schema));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // CREATE SCHEMA needs CREATE on the database even when the schema exists: only ask for it when missing, so
            // a user given an existing schema by its administrator needs no more.
            bool schemaExists;
            using (NpgsqlCommand command = connection.CreateCommand())
            {
                command.CommandText = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = @schema);";
                command.BindText("schema", Schema);
                schemaExists = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (!schemaExists)
            {
                await ExecuteAsync(connection, Sql("CREATE SCHEMA IF NOT EXISTS {schema};"), cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, Sql(SchemaMigrations.CreateVersionTable), cancellationToken).ConfigureAwait(false);

            int current;
            using (NpgsqlCommand command = connection.CreateCommand())
            {
                command.CommandText = Sql("SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_version;");
                current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            if (current > SchemaMigrations.Latest)
            {
                throw new SharedChannelsException(
                    SharedChannelsErrorCode.InvalidState,
                    string.Create(CultureInfo.InvariantCulture, $"The schema '{Schema}' of the PostgreSQL database {_database} has schema version {current}, written by a newer SharedChannels.Sdk.PostgreSql; this version knows up to {SchemaMigrations.Latest}. Upgrade the package on every node, or restore a backup taken before the upgrade."));
            }

            int applied = 0;
            foreach (SchemaMigration migration in SchemaMigrations.All.Where(m => m.Version > current))
            {
                await ExecuteAsync(connection, Sql(migration.Sql), cancellationToken).ConfigureAwait(false);
                using (NpgsqlCommand record = connection.CreateCommand())
                {
                    record.CommandText = Sql("INSERT INTO {schema}.schema_version (version, description) VALUES (@version, @description);");
                    record.Bind("version", NpgsqlDbType.Integer, migration.Version).BindText("description", migration.Description);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                applied++;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return applied;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
