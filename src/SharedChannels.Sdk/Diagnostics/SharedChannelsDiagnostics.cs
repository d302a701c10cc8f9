namespace SharedChannels.Diagnostics;

/// <summary>Names under which the SDK publishes telemetry, for OpenTelemetry or <c>dotnet-counters</c>.</summary>
public static class SharedChannelsDiagnostics
{
    /// <summary>The name of the SDK's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "SharedChannels.Sdk";
}
