namespace SharedChannels.Transport.Internal;

/// <summary>
/// Bounds the log lines of refused requests: the first <see cref="Burst"/> of each minute are written, the rest are
/// counted and reported in one line with the next refusal written. Thread-safe.
/// </summary>
internal sealed class RefusalLogThrottle(TimeProvider timeProvider)
{
    internal const int Burst = 5;
    internal static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _written;
    private int _suppressed;

    /// <summary>Whether to write this refusal; <paramref name="suppressed"/> is how many went unwritten before it.</summary>
    public bool ShouldLog(out int suppressed)
    {
        lock (_gate)
        {
            DateTimeOffset now = timeProvider.GetUtcNow();
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _written = 0;
            }

            if (_written < Burst)
            {
                _written++;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }
}
