using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;
using SharedChannels.Samples.Chat;
using SharedChannels.Testing;

namespace SharedChannels.Integration.Tests.Contracts;

/// <summary>The sample host's SQLite content port passes the contract every host's must.</summary>
[Category("Integration")]
public sealed class SampleHostChannelContentContractTests : ChannelContentContractTests<IChannelContent>
{
    private SampleHostPorts? _host;

    [TearDown]
    public async Task DisposeHostAsync() => await SampleHostPorts.DisposeAsync(_host);

    protected override async Task<IChannelContent> CreateContentAsync()
    {
        _host = await SampleHostPorts.CreateAsync(TimeProvider.System);
        return _host.Services.GetRequiredService<IChannelContent>();
    }
}

/// <summary>The sample host's SQLite user directory passes the contract every host's must.</summary>
[Category("Integration")]
public sealed class SampleHostUserDirectoryContractTests : UserDirectoryContractTests<IUserDirectory>
{
    private readonly SettableClock _clock = new();
    private SampleHostPorts? _host;

    [TearDown]
    public async Task DisposeHostAsync() => await SampleHostPorts.DisposeAsync(_host);

    protected override async Task<IUserDirectory> CreateDirectoryAsync()
    {
        _host = await SampleHostPorts.CreateAsync(_clock);
        return _host.Services.GetRequiredService<IUserDirectory>();
    }

    protected override async Task<ChatUser> AddLocalUserAsync(string username, DateTimeOffset updateAt)
    {
        // The way the sample's chat API creates users (POST /api/users), at the chosen time.
        _clock.Now = updateAt;
        UserView created = await _host!.Services.GetRequiredService<ChatService>().CreateUserAsync(new CreateUserRequest(username));
        return await Directory.GetUserAsync(created.Id) ?? throw new AssertionException($"the user {created.Id} just created is not found");
    }

    protected override async Task<UserStatus?> ReadStatusAsync(string userId)
    {
        // The sample shows no statuses, so they are read from its chat database.
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _host!.ChatDatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await db.OpenAsync();
        await using SqliteCommand command = db.CreateCommand();
        command.CommandText = "SELECT status, manual, last_activity_at, dnd_end_time FROM statuses WHERE user_id = $user_id;";
        command.Parameters.AddWithValue("$user_id", userId);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new UserStatus
        {
            UserId = userId,
            Status = reader.GetString(0),
            Manual = reader.GetBoolean(1),
            LastActivityAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
            DndEndTime = reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        };
    }

    /// <summary>A clock that reads whatever it is set to, backwards included (users are created at chosen times).</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>The sample host's file port (SQLite descriptions, bytes in its files folder) passes the contract every host's must.</summary>
[Category("Integration")]
public sealed class SampleHostFileContentContractTests : FileContentContractTests<IFileContent>
{
    private SampleHostPorts? _host;

    [TearDown]
    public async Task DisposeHostAsync() => await SampleHostPorts.DisposeAsync(_host);

    protected override async Task<IFileContent> CreateFileContentAsync()
    {
        _host = await SampleHostPorts.CreateAsync(TimeProvider.System);
        return _host.Services.GetRequiredService<IFileContent>();
    }
}

/// <summary>
/// The sample host's application, built (not started) over a fresh data folder: its ports are resolved from its
/// services as the SDK resolves them, whatever their constructors take.
/// </summary>
internal sealed class SampleHostPorts
{
    private readonly WebApplication _app;

    private SampleHostPorts(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public string ChatDatabasePath => Path.Combine(DataDirectory, SampleHost.ChatDatabaseFile);

    public IServiceProvider Services => _app.Services;

    public static async Task<SampleHostPorts> CreateAsync(TimeProvider clock)
    {
        string folder = Path.Combine(Path.GetTempPath(), "sharedchannels-contract-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new SampleHostOptions
        {
            // Built, never started: the port is not bound.
            Url = new Uri("http://127.0.0.1:1"),
            DataDirectory = folder,
            ConfigureServices = services => services.AddSingleton(clock),
        };
        WebApplication app = await SampleHost.CreateApplicationAsync(options);
        return new SampleHostPorts(app, folder);
    }

    public static async Task DisposeAsync(SampleHostPorts? host)
    {
        if (host is null)
        {
            return;
        }

        await host._app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(host.DataDirectory, recursive: true);
    }
}
