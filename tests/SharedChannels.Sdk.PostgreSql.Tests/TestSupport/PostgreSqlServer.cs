using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace SharedChannels.PostgreSql.Tests.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: <c>initdb</c> in a temporary folder, a server listening only on a
/// Unix socket in that folder (no TCP port at all), one database per test, and everything stopped and deleted at the
/// end. <c>initdb</c> refuses to run as root, so a root process runs the server's programs as the <c>postgres</c> user
/// (or <c>nobody</c>) through <c>runuser</c>, in a folder that user owns.
/// </summary>
internal sealed class PostgreSqlServer : IAsyncDisposable
{
    /// <summary>Set to a folder holding <c>initdb</c> and <c>pg_ctl</c> to use that installation and no other.</summary>
    public const string BinariesVariable = "SHAREDCHANNELS_POSTGRESQL_BIN";

    /// <summary>Set to <c>true</c> (CI does) to fail, instead of ignore, the tests that need a server when none is installed.</summary>
    public const string RequiredVariable = "SHAREDCHANNELS_POSTGRESQL_REQUIRED";

    // The socket lives in the cluster's private folder, so the port only names the socket file and meets nothing else.
    private const int Port = 5432;

    private const string FolderPrefix = "scpg-";

    // Holds the id of the test process that owns a cluster, so a later run can stop the clusters of runs that died.
    private const string OwnerFile = "owner.pid";

    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromSeconds(120);

    private readonly string _binaries;
    private readonly string? _runAs;
    private readonly NpgsqlDataSource _admin;
    private int _databases;

    private PostgreSqlServer(string binaries, string? runAs, string root)
    {
        _binaries = binaries;
        _runAs = runAs;
        RootPath = root;
        _admin = NpgsqlDataSource.Create(ConnectionStringFor("postgres"));
    }

    /// <summary>Gets the server the setup fixture started, or <see langword="null"/> when none could be.</summary>
    public static PostgreSqlServer? Current { get; private set; }

    /// <summary>Gets why no server runs, when <see cref="Current"/> is <see langword="null"/>.</summary>
    public static string? UnavailableReason { get; private set; }

    /// <summary>Gets the cluster's folder: the data directory, the log and the Unix socket are inside.</summary>
    public string RootPath { get; }

    /// <summary>Gets how long starting the cluster took.</summary>
    public TimeSpan StartTime { get; private set; }

    private string DataPath => Path.Combine(RootPath, "data");

    private string LogPath => Path.Combine(RootPath, "postgres.log");

    /// <summary>
    /// Gets the running server for a test that needs one. Without one the test is ignored, saying why, or fails when
    /// <see cref="RequiredVariable"/> is set.
    /// </summary>
    public static PostgreSqlServer Require()
    {
        if (Current is { } server)
        {
            return server;
        }

        string reason = UnavailableReason ?? "The PostgreSQL test server was not started.";
        if (string.Equals(Environment.GetEnvironmentVariable(RequiredVariable), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{reason} ({RequiredVariable} is set, so this is a failure.)");
        }

        Assert.Ignore(reason);
        return null!;
    }

    /// <summary>Starts the cluster for the whole test run, or records why it cannot be started.</summary>
    public static async Task StartForTestRunAsync()
    {
        string? binaries = FindBinaries();
        if (binaries is null)
        {
            UnavailableReason =
                "PostgreSQL is not installed: no initdb and pg_ctl on PATH, in /usr/lib/postgresql/*/bin, or in " +
                $"${BinariesVariable}. Run scripts/install-postgresql.sh (Debian's postgresql package) to run these tests.";
            return;
        }

        Current = await StartAsync(binaries);
    }

    /// <summary>Stops the cluster started for the test run, if any.</summary>
    public static async Task StopForTestRunAsync()
    {
        if (Current is { } server)
        {
            Current = null;
            await server.DisposeAsync();
        }
    }

    /// <summary>Creates an empty database and returns its name: a fresh one, or <paramref name="name"/>, with optional <c>CREATE DATABASE</c> options.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, string? options = null)
    {
        name ??= NextDatabaseName();
        await ExecuteAsAdministratorAsync($"CREATE DATABASE \"{name}\" {options};");
        return name;
    }

    /// <summary>Gets a name no database of this run has had.</summary>
    public string NextDatabaseName() => "test_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs a statement as the superuser, in the <c>postgres</c> database (roles and databases are cluster-wide).</summary>
    public async Task ExecuteAsAdministratorAsync(string sql)
    {
        await using NpgsqlCommand command = _admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops a database, closing whatever connections are still open to it.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        await ExecuteAsAdministratorAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);");
    }

    /// <summary>Gets a connection string for a database of this server: a Unix socket, the trusted superuser, no password.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = RootPath,
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();
        try
        {
            // Immediate: nothing in a throwaway cluster needs a clean shutdown.
            await RunServerProgramAsync("pg_ctl", ["-D", DataPath, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            DeleteFolder(RootPath);
        }
    }

    private static async Task<PostgreSqlServer> StartAsync(string binaries)
    {
        var clock = Stopwatch.StartNew();
        string? runAs = Environment.IsPrivilegedProcess ? ServiceUser() : null;

        // As root: /tmp, which every user may enter (the temporary folder may be under /root); short, too, since a
        // Unix socket path must stay under 108 bytes.
        string parent = runAs is null ? Path.GetTempPath() : "/tmp";
        await StopAbandonedClustersAsync(binaries, runAs, parent);
        string root = Path.Combine(parent, FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var server = new PostgreSqlServer(binaries, runAs, root);
        try
        {
            if (runAs is not null)
            {
                await RunAsync(null, "chown", [runAs, root], workingDirectory: null);
            }

            await server.RunServerProgramAsync("initdb", ["-D", server.DataPath, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]);

            // No TCP at all (listen_addresses empty): the socket in the private folder is the only way in. Durability
            // settings are off: the cluster is deleted after the run.
            string options = string.Join(
                ' ',
                $"-k {root}",
                "-c listen_addresses=''",
                string.Create(CultureInfo.InvariantCulture, $"-p {Port}"),
                "-c max_connections=300",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off");
            await server.RunServerProgramAsync("pg_ctl", ["-D", server.DataPath, "-l", server.LogPath, "-o", options, "-w", "-t", "60", "start"]);
            server.StartTime = clock.Elapsed;
            return server;
        }
        catch (InvalidOperationException ex)
        {
            string log = File.Exists(server.LogPath) ? await File.ReadAllTextAsync(server.LogPath) : "(no server log)";
            await TryStopAsync(server);
            throw new InvalidOperationException($"The PostgreSQL test server did not start: {ex.Message}{Environment.NewLine}Server log:{Environment.NewLine}{log}", ex);
        }
    }

    /// <summary>
    /// Stops and deletes the clusters of earlier runs whose test process is gone (killed by a hang timeout, say):
    /// their servers would otherwise run on, holding memory and disk. Clusters of live runs are left alone.
    /// </summary>
    private static async Task StopAbandonedClustersAsync(string binaries, string? runAs, string parent)
    {
        foreach (string folder in Directory.EnumerateDirectories(parent, FolderPrefix + "*"))
        {
            string owner = Path.Combine(folder, OwnerFile);
            if (!File.Exists(owner) ||
                !int.TryParse((await File.ReadAllTextAsync(owner)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ||
                IsRunning(pid))
            {
                continue;
            }

            var abandoned = new PostgreSqlServer(binaries, runAs, folder);
            await TryStopAsync(abandoned);
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task TryStopAsync(PostgreSqlServer server)
    {
        try
        {
            await server.DisposeAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // Best effort: a failed start has its own error to report, and an abandoned cluster may be half gone already.
        }
    }

    /// <summary>Finds <c>initdb</c> and <c>pg_ctl</c>: the override folder, then PATH, then the newest Debian installation.</summary>
    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable(BinariesVariable) is { Length: > 0 } overridden)
        {
            return HasPrograms(overridden) ? overridden : null;
        }

        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasPrograms(folder))
            {
                return folder;
            }
        }

        const string Debian = "/usr/lib/postgresql";
        if (Directory.Exists(Debian))
        {
            return Directory.GetDirectories(Debian)
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : -1, Bin: Path.Combine(version, "bin")))
                .Where(candidate => candidate.Version >= 0 && HasPrograms(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault();
        }

        return null;
    }

    private static bool HasPrograms(string folder) =>
        File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl"));

    /// <summary>The user a root process runs the server as: <c>postgres</c> when the package created it, else <c>nobody</c>.</summary>
    private static string ServiceUser() =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal))
            ? "postgres"
            : "nobody";

    private static void DeleteFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>Runs one of the server's programs, as the service user when this process is root.</summary>
    private Task RunServerProgramAsync(string program, IReadOnlyList<string> arguments) =>
        _runAs is null
            ? RunAsync(_binaries, program, arguments, RootPath)
            : RunAsync(null, "runuser", ["-u", _runAs, "--", Path.Combine(_binaries, program), .. arguments], RootPath);

    private static async Task RunAsync(string? binaries, string program, IReadOnlyList<string> arguments, string? workingDirectory)
    {
        var start = new ProcessStartInfo(binaries is null ? program : Path.Combine(binaries, program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // The service user may not enter the test's working folder (e.g. under /root): run from the cluster's.
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // pg_ctl's server inherits these pipes unless told otherwise (-l sends its output to the log), and the reads
        // below end when the program and everything it started have closed them.
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProgramTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within {ProgramTimeout.TotalSeconds} s.");
        }

        string text = new StringBuilder().Append(await output).Append(await error).ToString();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:{Environment.NewLine}{text}");
        }
    }
}
