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
internal static class DurableFloorScenario
{
    public static async Task<FloorResult> RunAsync(string capturePath, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "durable-floor.db");
        using ChatDatabase database = ChatDatabase.Open(path);
        await using FloorStore store = await FloorStore.OpenAsync(path, cancellationToken);

        // The warm-up bodies are stored, then stored again by the measured run: upserts, as the receiver's are.
        return await FloorScenario.RunAsync(capturePath, store.SaveAsync, cancellationToken);
    }
}
