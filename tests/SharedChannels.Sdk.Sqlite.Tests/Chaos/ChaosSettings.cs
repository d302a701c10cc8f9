using System.Globalization;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>
/// The size and seed of a chaos run. CI runs a small fixed-seed run; the environment variables
/// <see cref="OperationsVariable"/> and <see cref="SeedVariable"/> select a bigger run or another seed (see docs/reliability.md).
/// </summary>
internal sealed record ChaosSettings(int Operations, int Seed)
{
    public const string OperationsVariable = "SHAREDCHANNELS_CHAOS_OPERATIONS";
    public const string SeedVariable = "SHAREDCHANNELS_CHAOS_SEED";
    public const int DefaultOperations = 1000;
    public const int DefaultSeed = 20261125;

    public bool IsFullRun => Operations > DefaultOperations;

    public string ReplayHint => $"{SeedVariable}={Seed} {OperationsVariable}={Operations}";

    public static ChaosSettings FromEnvironment()
    {
        int operations = Environment.GetEnvironmentVariable(OperationsVariable) is { Length: > 0 } ops
            ? int.Parse(ops, CultureInfo.InvariantCulture)
            : DefaultOperations;
        string? seedText = Environment.GetEnvironmentVariable(SeedVariable);
        int seed = seedText switch
        {
            null or "" => DefaultSeed,
            "random" => Random.Shared.Next(),
            _ => int.Parse(seedText, CultureInfo.InvariantCulture),
        };
        return new ChaosSettings(Math.Max(operations, 50), seed);
    }
}
