using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Commands;
using SharedChannels.Commands.Internal;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Commands;

/// <summary>
/// Random text fed to the parser and the handler: whatever is typed, the answer is a result (never an exception),
/// a failure carries a usage or a reason, and no stack trace reaches the chat. Failures print their seed; run
/// again with that seed to reproduce.
/// </summary>
public sealed class SlashCommandHandlerFuzzTests
{
    private const string Unprivileged = "fuzzer00000000000000000000";

    private static readonly string[] Pieces =
    [
        "/secure-connection", "/share-channel", "secure-connection", "/SHARE-CHANNEL", "/giphy", "/",
        "create", "accept", "remove", "status", "invite", "uninvite", "unshare", "help", "CREATE", "frobnicate",
        "--name", "--displayname", "--password", "--invite", "--connectionID", "--connectionid", "--readonly", "--read-only",
        "--", "---", "-", "--x", "--name=", "--readonly=", "--readonly=maybe", "\u2014name", "\u2013connectionID", "--colour",
        "Y", "N", "yes", "no", "true", "false", "acme", "AcmeUS", "acme.us-east_1", "examplepassword", "[code-blob]", "<--readonly>",
        "\"", "\u201C", "\u201D", "\u2018", "\u2019", "\u201E", "'", "\\", "\\\"", "=", "[", "]", "<", ">", "|", "`", "```", "*", "_",
        "\"Acme USA\"", "\u201CAcmeUSA\u201D", "\u2018x y\u2019", "\"\"", "\"unterminated", "\u201Cunterminated",
        " ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u2003", "\0", "\u0007", "\u200B", "\uFEFF",
        "\u00E9", "\u4E2D\u6587", "\u0645\u0631\u062D\u0628\u0627", "\U0001F600", "\uD83D", "\uDE00", "\u202E",
    ];

    /// <summary>A random command line: mostly pieces of real commands, quotes and separators, sometimes raw characters.</summary>
    private static string RandomLine(Random random)
    {
        var line = new StringBuilder();
        int pieces = random.Next(0, 14);
        for (int p = 0; p < pieces; p++)
        {
            if (random.Next(8) == 0)
            {
                line.Append((char)random.Next(0, 0x10000));
            }
            else
            {
                line.Append(Pieces[random.Next(Pieces.Length)]);
            }

            if (random.Next(3) != 0)
            {
                line.Append(' ');
            }
        }

        return line.ToString();
    }

    private static void AssertIsAnAnswer(ParseResult result, int seed, string line)
    {
        string context = $"seed {seed}, line [{line}]";
        Assert.That(result, Is.Not.Null, context);
        if (result.Succeeded)
        {
            Assert.That(result.Subcommand, Is.Not.Null, context);
        }
        else
        {
            Assert.That(result.Error, Is.Not.Empty, context);
            Assert.That(result.Usage, Is.Not.Empty, context);
        }
    }

    [TestCase(1)]
    [TestCase(42)]
    [TestCase(20261125)]
    public void Parse_RandomLines_NeverThrowAndAlwaysAnswer(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 5000; n++)
        {
            string line = RandomLine(random);
            ParseResult result;
            try
            {
                result = CommandParser.Parse(line);
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, line [{line}] threw {ex}");
                return;
            }

            AssertIsAnAnswer(result, seed, line);
        }
    }

    [Test]
    public void Parse_RandomLinesFromAFreshSeed_NeverThrowAndAlwaysAnswer()
    {
        // A new seed on every run explores more; the seed is in every failure message.
        Parse_RandomLines_NeverThrowAndAlwaysAnswer(Random.Shared.Next());
    }

    [TestCase(7)]
    public void Parse_HugeAndDeeplyQuotedLines_AnswerQuickly(int seed)
    {
        var random = new Random(seed);
        string[] lines =
        [
            "/secure-connection create --name " + new string('a', 1_000_000),
            "/secure-connection create --name \"" + new string(' ', CommandParser.MaxLength - 40),
            "/share-channel invite " + string.Concat(Enumerable.Repeat("--readonly ", 1400)),
            "/secure-connection accept " + string.Concat(Enumerable.Repeat("\u201C\u201D ", 5000)),
            string.Concat(Enumerable.Range(0, CommandParser.MaxLength).Select(_ => Pieces[random.Next(Pieces.Length)][0])),
            new string('\\', CommandParser.MaxLength),
        ];

        foreach (string line in lines)
        {
            ParseResult result = CommandParser.Parse(line);
            AssertIsAnAnswer(result, seed, line[..Math.Min(80, line.Length)]);
        }
    }

    [TestCase(3)]
    public async Task ExecuteAsync_RandomLines_AlwaysAnswerWithoutAStackTrace(int seed)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        await using TestWorkspace workspace = await TestWorkspace.StartAsync("fuzz", new LoopbackNetwork(), time);
        SlashCommandHandler handler = workspace.Services.GetRequiredService<SlashCommandHandler>();
        var context = new CommandContext { ChannelId = "town00000000000000000000aa", TeamId = "team" };
        var random = new Random(seed);

        for (int n = 0; n < 1000; n++)
        {
            string line = RandomLine(random);
            // A user without permissions: every command that parses is refused before it does anything.
            CommandResult result = await handler.ExecuteAsync(Unprivileged, line, context);

            string what = $"seed {seed}, line [{line}]";
            Assert.That(result.Succeeded && result.ErrorCode is null || !result.Succeeded && result.ErrorCode is not null, Is.True, what);
            Assert.That(result.Markdown, Is.Not.Empty, what);
            Assert.That(result.Markdown, Does.Not.Contain("   at ").And.Not.Contain("Exception"), what);
            Assert.That(result.ErrorCode, Is.Not.EqualTo(SharedChannelsErrorCode.Unknown), what);
        }

        Assert.That(workspace.Logs.AllText, Does.Not.Contain("failed unexpectedly"));
    }
}
