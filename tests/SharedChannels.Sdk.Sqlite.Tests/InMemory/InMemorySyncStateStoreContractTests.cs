using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;
using SharedChannels.Testing;

namespace SharedChannels.Sqlite.Tests.InMemory;

/// <summary>The in-memory store is the reference: it must pass the same contract as the SQLite store.</summary>
public sealed class InMemorySyncStateStoreContractTests : SyncStateStoreContractTests
{
    protected override Task<ISyncStateStore> CreateStoreAsync() => Task.FromResult<ISyncStateStore>(new InMemorySyncStateStore());
}
