using Npgsql;
using NpgsqlTypes;

namespace SharedChannels.PostgreSql.Internal;

/// <summary>Keeps parameter binding and nullable reads short in the stores.</summary>
internal static class NpgsqlCommandExtensions
{
    /// <summary>
    /// Binds a parameter with an explicit type; <see langword="null"/> becomes SQL NULL. The type is always given, so
    /// PostgreSQL never has to guess it from a NULL (it would guess <c>text</c> in an <c>INSERT … SELECT</c>).
    /// </summary>
    public static NpgsqlCommand Bind(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>Binds a text parameter.</summary>
    public static NpgsqlCommand BindText(this NpgsqlCommand command, string name, string? value) =>
        command.Bind(name, NpgsqlDbType.Text, value);

    /// <summary>Binds a boolean parameter.</summary>
    public static NpgsqlCommand BindBoolean(this NpgsqlCommand command, string name, bool value) =>
        command.Bind(name, NpgsqlDbType.Boolean, value);

    /// <summary>Binds a <c>timestamptz</c> parameter. Npgsql writes only UTC values to <c>timestamptz</c>, so the time is converted first.</summary>
    public static NpgsqlCommand BindTime(this NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.Bind(name, NpgsqlDbType.TimestampTz, value?.ToUniversalTime());

    public static string? GetNullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset GetTime(this NpgsqlDataReader reader, int ordinal) =>
        reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? GetNullableTime(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
