using Npgsql;

namespace SharedChannels.PostgreSql.Internal;

/// <summary>
/// Turns Npgsql and PostgreSQL failures into the SDK's exception family. Messages name the database (server and
/// database name, never the connection string) and what to check. They repeat PostgreSQL's message text, which does
/// not carry parameter values (tokens are parameters); the error's detail, which may, is never repeated.
/// </summary>
internal static class PostgreSqlErrors
{
    public static SharedChannelsException Translate(NpgsqlException exception, string database, string schema)
    {
        if (exception is not PostgresException postgres)
        {
            // Could not connect, the connection broke, a timeout: Npgsql knows whether another try may succeed.
            return new SharedChannelsException(
                SharedChannelsErrorCode.Unknown,
                $"The PostgreSQL database {database} could not be used: {exception.Message} Check that the server is running and reachable from this process.",
                exception.IsTransient,
                exception);
        }

        string state = postgres.SqlState;
        string text = postgres.MessageText;
        return state switch
        {
            PostgresErrorCodes.UniqueViolation => new SharedChannelsException(
                SharedChannelsErrorCode.AlreadyExists,
                $"The PostgreSQL database {database} refused a change: {text}",
                isTransient: false,
                exception),
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"The PostgreSQL server refused the login to the database {database} ({state}: {text}). Check the user name and password of the connection string, and the server's pg_hba.conf.",
                isTransient: false,
                exception),
            PostgresErrorCodes.InvalidCatalogName => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"The PostgreSQL database {database} does not exist ({text}). Create it, or name an existing database in the connection string.",
                isTransient: false,
                exception),
            PostgresErrorCodes.InsufficientPrivilege => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"The PostgreSQL user may not do what the stores need in the database {database} ({text}). Let it create the schema '{schema}' (CREATE on the database), or create the schema beforehand and give the user ownership of it.",
                isTransient: false,
                exception),
            PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidState,
                $"The tables of the schema '{schema}' in the PostgreSQL database {database} are missing ({text}). Were they dropped while the process ran? Restart it to create them again.",
                isTransient: false,
                exception),
            _ when state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal) => new SharedChannelsException(
                SharedChannelsErrorCode.InvalidArgument,
                $"The PostgreSQL database {database} refused a value ({state}: {text}).",
                isTransient: false,
                exception),
            _ => new SharedChannelsException(
                SharedChannelsErrorCode.Unknown,
                $"The PostgreSQL database {database} failed ({state}: {text}).",
                postgres.IsTransient,
                exception),
        };
    }
}
