using NUnit.Framework;

namespace SharedChannels.Testing;

/// <summary>
/// What the store contract suites share: a fresh store for each test and a hook to "restart" it over the same data.
/// </summary>
/// <typeparam name="TStore">The storage port under test.</typeparam>
/// <remarks>
/// The store is created by a <c>[SetUp]</c> method of this class, which NUnit runs before the derived fixture's own
/// <c>[SetUp]</c> methods: create everything the store needs inside <see cref="CreateStoreAsync"/>, and release it
/// (files, connections) in a <c>[TearDown]</c> method of the derived fixture.
/// </remarks>
public abstract class StoreContractTests<TStore>
    where TStore : class
{
    private TStore? _store;

    /// <summary>Gets the store under test: fresh and empty at the start of each test.</summary>
    /// <exception cref="InvalidOperationException">Read outside a test.</exception>
    protected TStore Store => _store ?? throw new InvalidOperationException("The store is created before each test; read it inside a test.");

    /// <summary>Creates the store under test before each test.</summary>
    /// <returns>A task that completes when the store exists.</returns>
    [SetUp]
    public async Task CreateStoreBeforeEachTestAsync() => _store = await CreateStoreAsync().ConfigureAwait(false);

    /// <summary>Creates a fresh, empty store. Called once before each test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<TStore> CreateStoreAsync();

    /// <summary>
    /// Returns a new store instance over the data of <paramref name="store"/>, as a host would get after a process
    /// restart. Durable stores override it (for example: dispose the old instance, open the same file again); the
    /// default returns <paramref name="store"/> itself, which suits stores that keep nothing across restarts.
    /// </summary>
    /// <param name="store">The store in use so far; it is not used after this call.</param>
    /// <returns>The store to use from now on.</returns>
    protected virtual Task<TStore> ReopenStoreAsync(TStore store) => Task.FromResult(store);

    /// <summary>Replaces <see cref="Store"/> with the result of <see cref="ReopenStoreAsync"/>.</summary>
    /// <returns>A task that completes when the store is reopened.</returns>
    protected async Task RestartAsync() => _store = await ReopenStoreAsync(Store).ConfigureAwait(false);
}
