using Microsoft.Data.Sqlite;

namespace SharedChannels.Sqlite.Tests.TestSupport;

/// <summary>A SQLite file in its own temporary folder, deleted with the folder on dispose.</summary>
internal sealed class TemporaryDatabase : IDisposable
{
    private readonly List<SqliteStorage> _opened = [];

    public TemporaryDatabase()
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "sharedchannels-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirectoryPath);
        FilePath = Path.Combine(DirectoryPath, "shared-channels.db");
    }

    public string DirectoryPath { get; }

    public string FilePath { get; }

    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = FilePath }.ToString();

    /// <summary>Opens a new storage over the file, optionally with more connection string keywords; it is disposed with this database.</summary>
    public SqliteStorage Open(string? moreKeywords = null)
    {
        var storage = new SqliteStorage(moreKeywords is null ? ConnectionString : $"{ConnectionString};{moreKeywords}");
        _opened.Add(storage);
        return storage;
    }

    /// <summary>Closes every storage opened so far and opens a new one: what a process restart does.</summary>
    public SqliteStorage Reopen()
    {
        CloseAll();
        return Open();
    }

    /// <summary>Opens a plain connection to the file, bypassing the storage, to look at what is stored.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        CloseAll();
        if (Directory.Exists(DirectoryPath))
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
    }

    private void CloseAll()
    {
        foreach (SqliteStorage storage in _opened)
        {
            storage.Dispose();
        }

        _opened.Clear();
    }
}
