using Npgsql;

namespace SharedChannels.PostgreSql.Tests.TestSupport;

/// <summary>An empty database of the test server, dropped on dispose with every storage and data source opened over it.</summary>
internal sealed class TemporaryDatabase : IAsyncDisposable
{
    private readonly PostgreSqlServer _server;
    private readonly List<PostgreSqlStorage> _opened = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];

    private TemporaryDatabase(PostgreSqlServer server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = server.ConnectionStringFor(name);
    }

    public string Name { get; }

    /// <summary>Gets a connection string for the database (a Unix socket, no password).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a database on the test server; ignores the test when there is no server.</summary>
    /// <param name="options">Options of <c>CREATE DATABASE</c>, e.g. another collation.</param>
    public static async Task<TemporaryDatabase> CreateAsync(string? options = null)
    {
        PostgreSqlServer server = PostgreSqlServer.Require();
        return new TemporaryDatabase(server, await server.CreateDatabaseAsync(options: options));
    }

    /// <summary>Opens a new storage over the database (in <paramref name="schema"/>, or the default); it is disposed with this database.</summary>
    public PostgreSqlStorage Open(string? schema = null, string? moreKeywords = null)
    {
        string connectionString = moreKeywords is null ? ConnectionString : $"{ConnectionString};{moreKeywords}";
        var storage = schema is null ? new PostgreSqlStorage(connectionString) : new PostgreSqlStorage(connectionString, schema);
        _opened.Add(storage);
        return storage;
    }

    /// <summary>Closes every storage opened so far and opens a new one: what a process restart does.</summary>
    public async Task<PostgreSqlStorage> ReopenAsync()
    {
        await CloseAllAsync();
        return Open();
    }

    /// <summary>Creates a data source as a host would own it; it is disposed with this database.</summary>
    public NpgsqlDataSource CreateDataSource(string? moreKeywords = null)
    {
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(moreKeywords is null ? ConnectionString : $"{ConnectionString};{moreKeywords}");
        _dataSources.Add(dataSource);
        return dataSource;
    }

    /// <summary>Opens a plain connection, bypassing the storage, to look at what is stored.</summary>
    public async Task<NpgsqlConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAllAsync();
        foreach (NpgsqlDataSource dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        _dataSources.Clear();
        await _server.DropDatabaseAsync(Name);
    }

    private async Task CloseAllAsync()
    {
        foreach (PostgreSqlStorage storage in _opened)
        {
            await storage.DisposeAsync();
        }

        _opened.Clear();
    }
}
