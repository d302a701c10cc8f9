using Microsoft.Data.Sqlite;
using SharedChannels.Sqlite.Internal;

namespace SharedChannels.Sqlite.Tests.Internal;

public sealed class SqliteErrorsTests
{
    [TestCase(5, 5, SharedChannelsErrorCode.Unknown, true)]
    [TestCase(6, 6, SharedChannelsErrorCode.Unknown, true)]
    [TestCase(14, 14, SharedChannelsErrorCode.InvalidState, false)]
    [TestCase(8, 8, SharedChannelsErrorCode.InvalidState, false)]
    [TestCase(26, 26, SharedChannelsErrorCode.InvalidState, false)]
    [TestCase(19, 2067, SharedChannelsErrorCode.AlreadyExists, false)]
    [TestCase(19, 1299, SharedChannelsErrorCode.InvalidArgument, false)]
    [TestCase(1, 1, SharedChannelsErrorCode.Unknown, false)]
    public void Translate_SqliteResultCode_MapsToErrorCodeAndTransience(int code, int extendedCode, SharedChannelsErrorCode expected, bool transient)
    {
        var failure = new SqliteException("SQLite Error", code, extendedCode);

        SharedChannelsException translated = SqliteErrors.Translate(failure, "/data/shared-channels.db", timeoutSeconds: 30);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(translated.ErrorCode, Is.EqualTo(expected));
            Assert.That(translated.IsTransient, Is.EqualTo(transient));
            Assert.That(translated.Message, Does.Contain("/data/shared-channels.db"));
            Assert.That(translated.InnerException, Is.SameAs(failure));
        }
    }
}
