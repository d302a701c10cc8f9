using SharedChannels.PostgreSql.Tests.TestSupport;

namespace SharedChannels.PostgreSql.Tests;

/// <summary>
/// Starts one throwaway PostgreSQL cluster before the first test of this assembly and deletes it after the last.
/// Tests that need it take it through <see cref="PostgreSqlServer.Require"/>, so when PostgreSQL is not installed they
/// are ignored (saying how to install it) and the tests that need no server still run.
/// </summary>
[SetUpFixture]
public sealed class PostgreSqlServerSetUp
{
    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        await PostgreSqlServer.StartForTestRunAsync();
        if (PostgreSqlServer.Current is { } server)
        {
            TestContext.Progress.WriteLine($"PostgreSQL test server in {server.RootPath}, started in {server.StartTime.TotalSeconds:F1} s.");
        }
        else
        {
            TestContext.Progress.WriteLine(PostgreSqlServer.UnavailableReason);
        }
    }

    [OneTimeTearDown]
    public Task StopServerAsync() => PostgreSqlServer.StopForTestRunAsync();
}
