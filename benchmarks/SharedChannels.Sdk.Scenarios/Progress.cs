using System.Globalization;

namespace SharedChannels.Scenarios;

/// <summary>Prints how far a long step has come every few seconds, so a slow run shows where it is.</summary>
internal sealed class Progress : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Timer _timer;

    private Progress(string what, Func<long> done, long total)
    {
        _timer = new Timer(
            _ => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {done():N0} of {total:N0}")),
            null,
            Interval,
            Interval);
    }

    public static Progress Report(string what, Func<long> done, long total) => new(what, done, total);

    public void Dispose() => _timer.Dispose();
}
