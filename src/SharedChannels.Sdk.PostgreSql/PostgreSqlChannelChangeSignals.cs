using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SharedChannels.Coordination;
using SharedChannels.PostgreSql.Internal;

namespace SharedChannels.PostgreSql;

/// <summary>
/// An <see cref="IChannelChangeSignals"/> over PostgreSQL's <c>NOTIFY</c>/<c>LISTEN</c>: a change is published with
/// <c>pg_notify</c> on a channel named after the schema (<see cref="ChannelName"/>), and each node keeps one connection
/// listening on it. When that connection fails, it reconnects with a growing delay (up to 30 seconds) and reports that
/// signals may have been missed, so the node catches up the connections it owns from their cursors.
/// </summary>
/// <remarks>
/// The listening connection must reach PostgreSQL itself or a session-pooling proxy: behind a transaction-pooling proxy
/// (PgBouncer in transaction mode) <c>LISTEN</c> does not work; use a direct connection string for the storage. It is
/// taken from the storage's data source and held as long as the node listens.
/// </remarks>
public sealed class PostgreSqlChannelChangeSignals : IChannelChangeSignals
{
    private const char Separator = '|';
    private const string Version = "1";
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly PostgreSqlStorage _storage;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the change signals of <paramref name="storage"/>'s schema.</summary>
    /// <param name="storage">The database and schema, shared by every node of the workspace.</param>
    /// <param name="timeProvider">The clock of the reconnect delays; the system clock when <see langword="null"/>.</param>
    /// <param name="logger">Where the listener logs (re)connections; nowhere when <see langword="null"/>.</param>
    public PostgreSqlChannelChangeSignals(PostgreSqlStorage storage, TimeProvider? timeProvider = null, ILogger<PostgreSqlChannelChangeSignals>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        ChannelName = NameFor(storage.Schema);
    }

    /// <summary>
    /// Gets the <c>NOTIFY</c> channel: <c>sc_changes_</c> and a hash of the schema name, so workspaces with a schema each
    /// in one database never hear each other.
    /// </summary>
    public string ChannelName { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The node id or the connection id contains <c>|</c>.</exception>
    public Task PublishAsync(ChannelChangeSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.NodeId.Contains(Separator, StringComparison.Ordinal) || signal.ExceptConnectionId?.Contains(Separator, StringComparison.Ordinal) == true)
        {
            throw new ArgumentException("A node id or connection id in a change signal cannot contain '|'.", nameof(signal));
        }

        string payload = string.Join(Separator, Version, signal.NodeId, signal.ExceptConnectionId ?? string.Empty, signal.ChannelId);
        return _storage.ExecuteAsync(
            async (db, ct) =>
            {
                using NpgsqlCommand command = db.CreateCommand();
                command.CommandText = "SELECT pg_notify(@channel, @payload);";
                command.BindText("channel", ChannelName).BindText("payload", payload);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task ListenAsync(IChannelChangeListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListenOnceAsync(listener, () => failures = 0, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                TimeSpan delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10))));
                string reason = ex is NpgsqlException npgsql ? _storage.Translate(npgsql).Message : ex.GetType().Name + ": " + ex.Message;
                PostgreSqlLog.ListenFailed(_logger, _storage.Database, delay, reason);
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The channel name of a schema: stable across processes and versions, and short enough for any schema name.</summary>
    internal static string NameFor(string schema)
    {
        const ulong Offset = 14695981039346656037;
        const ulong Prime = 1099511628211;
        ulong hash = Offset;
        foreach (byte b in Encoding.UTF8.GetBytes("SharedChannels.Sdk.PostgreSql/changes/" + schema))
        {
            hash = (hash ^ b) * Prime;
        }

        return "sc_changes_" + hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a payload; <see langword="null"/> when it is not in this package's format.</summary>
    internal static ChannelChangeSignal? Parse(string payload)
    {
        string[] parts = payload.Split(Separator, 4);
        return parts is [Version, { Length: > 0 } node, var except, { Length: > 0 } channel]
            ? new ChannelChangeSignal(node, channel, except.Length == 0 ? null : except)
            : null;
    }

    private async Task ListenOnceAsync(IChannelChangeListener listener, Action connected, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _storage.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, e) =>
            {
                if (!string.Equals(e.Channel, ChannelName, StringComparison.Ordinal))
                {
                    return;
                }

                if (Parse(e.Payload) is { } signal)
                {
                    listener.OnChannelChanged(signal);
                }
                else
                {
                    PostgreSqlLog.SignalIgnored(_logger, ChannelName);
                }
            };

            using (NpgsqlCommand command = connection.CreateCommand())
            {
                // The name is made of letters, digits and underscores only: quoting keeps its case.
                command.CommandText = "LISTEN \"" + ChannelName + "\";";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            connected();
            PostgreSqlLog.Listening(_logger, ChannelName, _storage.Database);

            // Whatever was signalled while nobody listened here is not replayed: the owner catches up instead.
            listener.OnSignalsMissed();
            while (true)
            {
                if (!await connection.WaitAsync(KeepAliveInterval, cancellationToken).ConfigureAwait(false))
                {
                    // Quiet for a while: make sure the connection is still alive, or fail and reconnect.
                    using NpgsqlCommand ping = connection.CreateCommand();
                    ping.CommandText = "SELECT 1;";
                    await ping.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
