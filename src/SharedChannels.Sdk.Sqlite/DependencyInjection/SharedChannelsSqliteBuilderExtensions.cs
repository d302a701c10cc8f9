using Microsoft.Extensions.DependencyInjection.Extensions;
using SharedChannels.Sqlite;
using SharedChannels.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses SQLite for the SDK's durable state.</summary>
public static class SharedChannelsSqliteBuilderExtensions
{
    /// <summary>
    /// Keeps connections, shared channels and sync cursors in the SQLite database named by
    /// <paramref name="connectionString"/>, replacing the current store registrations. The three stores share one
    /// <see cref="SqliteStorage"/> (also registered, and disposed with the container), which creates or upgrades the
    /// schema on first use.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">
    /// A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=/var/lib/chat/shared-channels.db</c>; see
    /// <see cref="SqliteStorage(string)"/>.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string cannot be used; checked now, not when the host starts.</exception>
    public static ISharedChannelsBuilder UseSqliteStorage(this ISharedChannelsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SqliteStorage.Validate(connectionString, nameof(connectionString));

        builder.Services.Replace(ServiceDescriptor.Singleton(_ => new SqliteStorage(connectionString)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IConnectionStore>(sp => new SqliteConnectionStore(sp.GetRequiredService<SqliteStorage>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<ISharedChannelStore>(sp => new SqliteSharedChannelStore(sp.GetRequiredService<SqliteStorage>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<ISyncStateStore>(sp => new SqliteSyncStateStore(sp.GetRequiredService<SqliteStorage>())));
        return builder;
    }
}
