using System.Net.Sockets;
using Npgsql;
using SharedChannels.PostgreSql.Internal;

namespace SharedChannels.PostgreSql.Tests.Internal;

public sealed class PostgreSqlErrorsTests
{
    private const string Database = "'chat' on 'db.example.com' port 5432";

    [TestCase(PostgresErrorCodes.UniqueViolation, SharedChannelsErrorCode.AlreadyExists, false)]
    [TestCase(PostgresErrorCodes.NotNullViolation, SharedChannelsErrorCode.InvalidArgument, false)]
    [TestCase(PostgresErrorCodes.CharacterNotInRepertoire, SharedChannelsErrorCode.InvalidArgument, false)]
    [TestCase(PostgresErrorCodes.InvalidPassword, SharedChannelsErrorCode.InvalidState, false)]
    [TestCase(PostgresErrorCodes.InvalidCatalogName, SharedChannelsErrorCode.InvalidState, false)]
    [TestCase(PostgresErrorCodes.InsufficientPrivilege, SharedChannelsErrorCode.InvalidState, false)]
    [TestCase(PostgresErrorCodes.UndefinedTable, SharedChannelsErrorCode.InvalidState, false)]
    [TestCase(PostgresErrorCodes.SerializationFailure, SharedChannelsErrorCode.Unknown, true)]
    [TestCase(PostgresErrorCodes.TooManyConnections, SharedChannelsErrorCode.Unknown, true)]
    [TestCase(PostgresErrorCodes.SyntaxError, SharedChannelsErrorCode.Unknown, false)]
    public void Translate_SqlState_MapsToErrorCodeAndTransience(string sqlState, SharedChannelsErrorCode expected, bool transient)
    {
        var failure = new PostgresException("something went wrong", "ERROR", "ERROR", sqlState);

        SharedChannelsException translated = PostgreSqlErrors.Translate(failure, Database, "shared_channels");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(translated.ErrorCode, Is.EqualTo(expected));
            Assert.That(translated.IsTransient, Is.EqualTo(transient));
            Assert.That(translated.Message, Does.Contain(Database).And.Contain("something went wrong"));
            Assert.That(translated.InnerException, Is.SameAs(failure));
        }
    }

    [Test]
    public void Translate_ConnectionFailure_IsTransientAndSaysToCheckTheServer()
    {
        var failure = new NpgsqlException("Failed to connect to db.example.com:5432", new SocketException((int)SocketError.ConnectionRefused));

        SharedChannelsException translated = PostgreSqlErrors.Translate(failure, Database, "shared_channels");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(translated.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.Unknown));
            Assert.That(translated.IsTransient, Is.True);
            Assert.That(translated.Message, Does.Contain(Database).And.Contain("running and reachable"));
        }
    }
}
