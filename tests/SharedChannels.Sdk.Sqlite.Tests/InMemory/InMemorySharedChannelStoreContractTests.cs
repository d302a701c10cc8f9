using SharedChannels.Storage;
using SharedChannels.Storage.InMemory;
using SharedChannels.Testing;

namespace SharedChannels.Sqlite.Tests.InMemory;

/// <summary>The in-memory store is the reference: it must pass the same contract as the SQLite store.</summary>
public sealed class InMemorySharedChannelStoreContractTests : SharedChannelStoreContractTests
{
    protected override Task<ISharedChannelStore> CreateStoreAsync() => Task.FromResult<ISharedChannelStore>(new InMemorySharedChannelStore());
}
