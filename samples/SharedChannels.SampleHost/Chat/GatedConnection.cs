using Microsoft.Data.Sqlite;

namespace SharedChannels.Samples.Chat;

/// <summary>
/// A pooled connection for one of this host's own writes, holding <see cref="ChatDatabase"/>'s writer gate until it is
/// disposed (see <see cref="ChatDatabase.OpenForWriteAsync"/>).
/// </summary>
internal sealed class GatedConnection(string connectionString, SemaphoreSlim gate) : SqliteConnection(connectionString)
{
    private int _released;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release();
        }
    }
}
