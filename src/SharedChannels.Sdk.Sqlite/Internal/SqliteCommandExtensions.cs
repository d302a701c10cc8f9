using Microsoft.Data.Sqlite;

namespace SharedChannels.Sqlite.Internal;

/// <summary>Keeps parameter binding and nullable reads short in the stores.</summary>
internal static class SqliteCommandExtensions
{
    /// <summary>Binds a parameter; <see langword="null"/> becomes SQL NULL.</summary>
    public static SqliteCommand Bind(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset? GetNullableTime(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : UnixMilliseconds.ToTime(reader.GetInt64(ordinal));

    public static DateTimeOffset GetTime(this SqliteDataReader reader, int ordinal) =>
        UnixMilliseconds.ToTime(reader.GetInt64(ordinal));
}
