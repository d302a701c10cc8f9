using SharedChannels.Testing.Chaos;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>
/// The convergence test: whatever the network and crashes did, once the network is healthy again every workspace
/// shows the same content in every shared channel. CI runs <see cref="ChaosSettings.DefaultOperations"/> operations
/// with a fixed seed; set <c>SHAREDCHANNELS_CHAOS_OPERATIONS</c> and <c>SHAREDCHANNELS_CHAOS_SEED</c> (a number, or
/// <c>random</c>) for a bigger run or another seed (docs/reliability.md).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ChaosConvergenceTests
{
    [Test]
    public async Task SharedChannels_UnderFaultsPartitionsAndCrashes_ConvergeOnceHealed()
    {
        ChaosSettings settings = ChaosSettings.FromEnvironment();
        await TestContext.Out.WriteLineAsync($"chaos run: seed {settings.Seed}, {settings.Operations} operations (replay with {settings.ReplayHint})");
        await using var run = new ChaosRun(settings);

        await run.SetUpAsync();
        await run.OperateAsync();
        IReadOnlyList<ChaosDifference> differences = await run.HealAndConvergeAsync();

        FaultStatistics faults = run.Faults;
        await TestContext.Out.WriteLineAsync(run.Describe());
        await TestContext.Out.WriteLineAsync("operations: " + string.Join(", ", run.OperationCounts.Select(c => $"{c.Key}={c.Value}")));
        await TestContext.Out.WriteLineAsync("faults: " + faults);
        await TestContext.Out.WriteLineAsync("posts: " + string.Join(", ", run.CreatedPosts.Select(c => $"{c.Key}={c.Value.Count}")));
        await TestContext.Out.WriteLineAsync("warnings logged: " + string.Join(", ", run.All.Select(w => $"{w}={w.Logs.Count}")));
        foreach (ChaosDifference difference in differences.Take(40))
        {
            await TestContext.Out.WriteLineAsync("difference: " + difference);
        }

        if (differences.Count > 0)
        {
            foreach (string line in run.All.SelectMany(w => w.Logs.Recent.TakeLast(10)))
            {
                await TestContext.Out.WriteLineAsync(line);
            }
        }

        string replay = $"seed {settings.Seed}; replay with {settings.ReplayHint}";
        ChaosDifference[] contentDifferences = [.. differences.Where(d => d.Kind is "post" or "acknowledgement")];
        ChaosDifference[] orderDifferences = [.. differences.Where(d => d.Kind is "reaction" or "member")];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(contentDifferences, Is.Empty, $"posts (ids, text, deletion, threads) did not converge after {run.HealRounds} heal rounds ({replay})");
            Assert.That(run.Crashes, Is.GreaterThanOrEqualTo(5), $"too few crash-restarts happened ({replay})");
            Assert.That(faults.TotalInjected, Is.GreaterThan(0), $"no fault was injected ({replay})");
            Assert.That(run.CreatedPosts.Values.Sum(p => p.Count), Is.GreaterThan(settings.Operations / 10), $"the run created too few posts to mean anything ({replay})");
        }

        Assert.That(orderDifferences, Is.Empty, $"reactions and memberships did not converge after {run.HealRounds} heal rounds ({replay})");
    }
}
