using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using SharedChannels.Coordination;
using SharedChannels.PostgreSql;
using SharedChannels.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses PostgreSQL for the SDK's durable state, which several processes of one workspace may then share.</summary>
public static class SharedChannelsPostgreSqlBuilderExtensions
{
    /// <summary>
    /// Keeps connections, shared channels and sync cursors in the PostgreSQL database named by
    /// <paramref name="connectionString"/>, in the schema <see cref="PostgreSqlStorage.DefaultSchema"/>, replacing the
    /// current store registrations, and lets several processes (nodes) of the workspace share it: connection leases,
    /// change signals (<c>LISTEN</c>/<c>NOTIFY</c>) and the inbound frame log are registered too (see docs/operations.md). The three stores share one <see cref="PostgreSqlStorage"/> (also registered, and
    /// disposed with the container, which closes its connection pool); it creates or upgrades the schema on first use.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">
    /// An Npgsql connection string, e.g. <c>Host=db.example.com;Database=chat;Username=chat;Password=…</c>; see
    /// <see cref="PostgreSqlStorage(string)"/>.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">
    /// The connection string cannot be used; checked now, not when the host starts. The message never repeats the password.
    /// </exception>
    public static ISharedChannelsBuilder UsePostgreSqlStorage(this ISharedChannelsBuilder builder, string connectionString) =>
        UsePostgreSqlStorage(builder, connectionString, PostgreSqlStorage.DefaultSchema);

    /// <summary>
    /// Keeps connections, shared channels and sync cursors in the PostgreSQL database named by
    /// <paramref name="connectionString"/>, in the schema <paramref name="schema"/>, replacing the current store
    /// registrations; otherwise as <see cref="UsePostgreSqlStorage(ISharedChannelsBuilder, string)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string; see <see cref="PostgreSqlStorage(string)"/>.</param>
    /// <param name="schema">The schema that holds the tables; see <see cref="PostgreSqlStorage(string, string)"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string or the schema name cannot be used; checked now.</exception>
    public static ISharedChannelsBuilder UsePostgreSqlStorage(this ISharedChannelsBuilder builder, string connectionString, string schema)
    {
        ArgumentNullException.ThrowIfNull(builder);
        PostgreSqlStorage.Validate(connectionString, nameof(connectionString));
        PostgreSqlStorage.ValidateSchema(schema, nameof(schema));
        return Register(builder, _ => new PostgreSqlStorage(connectionString, schema));
    }

    /// <summary>
    /// Keeps connections, shared channels and sync cursors in the database of the host's
    /// <paramref name="dataSource"/>, in the schema <see cref="PostgreSqlStorage.DefaultSchema"/>, replacing the current
    /// store registrations. The three stores share one <see cref="PostgreSqlStorage"/> (also registered); the data
    /// source stays the host's, and is not disposed with the container's storage.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The host's data source.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UsePostgreSqlStorage(this ISharedChannelsBuilder builder, NpgsqlDataSource dataSource) =>
        UsePostgreSqlStorage(builder, dataSource, PostgreSqlStorage.DefaultSchema);

    /// <summary>
    /// Keeps connections, shared channels and sync cursors in the database of the host's
    /// <paramref name="dataSource"/>, in the schema <paramref name="schema"/>; otherwise as
    /// <see cref="UsePostgreSqlStorage(ISharedChannelsBuilder, NpgsqlDataSource)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The host's data source.</param>
    /// <param name="schema">The schema that holds the tables; see <see cref="PostgreSqlStorage(string, string)"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The schema name cannot be used; checked now.</exception>
    public static ISharedChannelsBuilder UsePostgreSqlStorage(this ISharedChannelsBuilder builder, NpgsqlDataSource dataSource, string schema)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        PostgreSqlStorage.ValidateSchema(schema, nameof(schema));
        return Register(builder, _ => new PostgreSqlStorage(dataSource, schema));
    }

    private static ISharedChannelsBuilder Register(ISharedChannelsBuilder builder, Func<IServiceProvider, PostgreSqlStorage> storage)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton(storage));
        builder.Services.Replace(ServiceDescriptor.Singleton<IConnectionStore>(sp => new PostgreSqlConnectionStore(sp.GetRequiredService<PostgreSqlStorage>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<ISharedChannelStore>(sp => new PostgreSqlSharedChannelStore(sp.GetRequiredService<PostgreSqlStorage>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<ISyncStateStore>(sp => new PostgreSqlSyncStateStore(sp.GetRequiredService<PostgreSqlStorage>())));

        // Several nodes may share the database: each connection's work is leased to one node, changes are signalled to
        // its owner, and inbound dedupe and replay checks are shared.
        builder.Services.Replace(ServiceDescriptor.Singleton<IConnectionLeaseStore>(sp => new PostgreSqlConnectionLeaseStore(sp.GetRequiredService<PostgreSqlStorage>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<IChannelChangeSignals>(sp => new PostgreSqlChannelChangeSignals(
            sp.GetRequiredService<PostgreSqlStorage>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<PostgreSqlChannelChangeSignals>>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<IInboundFrameLog>(sp => new PostgreSqlInboundFrameLog(sp.GetRequiredService<PostgreSqlStorage>())));
        return builder;
    }
}
