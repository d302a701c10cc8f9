using System.Runtime.InteropServices;

namespace SharedChannels.Scenarios;

/// <summary>What the figures were measured on.</summary>
internal static class Machine
{
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
        $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC";

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
