using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;
using SharedChannels.Testing;

namespace SharedChannels.Sqlite.Tests.InMemory;

/// <summary>The in-memory store is the reference: it must pass the same contract as the SQLite store.</summary>
public sealed class InMemoryConnectionStoreContractTests : ConnectionStoreContractTests
{
    protected override Task<IConnectionStore> CreateStoreAsync() => Task.FromResult<IConnectionStore>(new InMemoryConnectionStore());
}
