namespace SharedChannels.Sqlite.Internal;

/// <summary>
/// Converts times to and from the stored form: Unix milliseconds, UTC. Sub-millisecond ticks are dropped, and a
/// time read back has a zero offset (it is the same instant, so <see cref="DateTimeOffset"/> equality holds).
/// </summary>
internal static class UnixMilliseconds
{
    public static long From(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static object From(DateTimeOffset? value) => value is { } time ? time.ToUnixTimeMilliseconds() : DBNull.Value;

    public static DateTimeOffset ToTime(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
