using Microsoft.Data.Sqlite;
using SharedChannels.Samples.Chat;

namespace SharedChannels.Scenarios;

/// <summary>
/// The durable floor under the catch-up: the very request bodies A sent during it, posted one at a time over loopback
/// HTTP to the bare Kestrel endpoint of <see cref="FloorScenario"/>, which here also stores each body's users, posts and
/// reactions (<see cref="FloorStore"/>) in SQLite with the sample host's schema and indexes (<see cref="ChatDatabase"/>)
/// and durability (WAL, <c>synchronous = FULL</c>, the background checkpoints, the inbound writer's page cache), in one
/// transaction per request, before it answers <c>{"status":"OK"}</c>. Nothing else: no authentication, no checks, no
/// renaming, no change log (B does not log a peer's items in a channel homed on that peer). What a durable receiver of
/// the same data cannot go below.
/// </summary>
/// <remarks>
/// It stores into a copy of B's chat database taken just before the measured catch-up (<see cref="SnapshotAsync"/>),
/// so it inserts the same new posts into tables of the same size as B did: inserting into a table of 250 000 posts
/// costs more than into an empty one, and storing the bodies twice (a warm-up, then the measured run) would measure
/// updates of rows already there. Its own warm-up stores into a scratch database.
/// </remarks>
internal static class DurableFloorScenario
{
    /// <summary>Copies B's chat database as it is now (a consistent snapshot, <c>VACUUM INTO</c>) to <paramref name="path"/>.</summary>
    public static async Task SnapshotAsync(ChatDatabase database, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        await using SqliteConnection connection = await database.OpenConnectionAsync(cancellationToken);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $path;";
        command.Parameters.AddWithValue("$path", path);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <param name="capturePath">The bodies of the catch-up.</param>
    /// <param name="snapshotPath">The copy of B's database taken before it (<see cref="SnapshotAsync"/>); stored into, then deleted.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<FloorResult> RunAsync(string capturePath, string snapshotPath, CancellationToken cancellationToken)
    {
        string scratchPath = Path.Combine(Path.GetDirectoryName(snapshotPath)!, "durable-floor-warm-up.db");
        using ChatDatabase scratch = ChatDatabase.Open(scratchPath);
        using ChatDatabase database = ChatDatabase.Open(snapshotPath);
        await using FloorStore warmUp = await FloorStore.OpenAsync(scratchPath, cancellationToken);
        await using FloorStore store = await FloorStore.OpenAsync(snapshotPath, cancellationToken);
        return await FloorScenario.RunAsync(capturePath, warmUp.SaveAsync, store.SaveAsync, cancellationToken);
    }
}
