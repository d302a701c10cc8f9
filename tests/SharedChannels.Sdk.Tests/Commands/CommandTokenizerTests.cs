using SharedChannels.Commands.Internal;

namespace SharedChannels.Tests.Commands;

public sealed class CommandTokenizerTests
{
    private static string[] Words(string line)
    {
        bool ok = CommandTokenizer.TryTokenize(line, out List<CommandToken> tokens, out string? error);
        Assert.That(ok, Is.True, error);
        return [.. tokens.Select(t => t.Text)];
    }

    [TestCase("a b  c", new[] { "a", "b", "c" })]
    [TestCase("  a\tb\r\nc  ", new[] { "a", "b", "c" })]
    [TestCase("a\u00A0b\u2003c", new[] { "a", "b", "c" })] // no-break and em spaces, as pasted from documents
    [TestCase("--name \"Acme USA\"", new[] { "--name", "Acme USA" })]
    [TestCase("--name \u201CAcme USA\u201D", new[] { "--name", "Acme USA" })] // “…”
    [TestCase("--name \u201CAcme USA\u201C", new[] { "--name", "Acme USA" })] // “…“ as the guide's FAQ writes it
    [TestCase("--name \u201EAcme USA\u201C", new[] { "--name", "Acme USA" })] // „…“
    [TestCase("--name \u2018Acme USA\u2019", new[] { "--name", "Acme USA" })] // ‘…’
    [TestCase("--name \u2018Acme\u2019s team\u2019", new[] { "--name", "Acme\u2019s team" })]
    [TestCase("--name \u201CAcme\u2019s team\u201D", new[] { "--name", "Acme\u2019s team" })]
    [TestCase("--password don't", new[] { "--password", "don't" })]
    [TestCase("--password a\"b", new[] { "--password", "a\"b" })]
    [TestCase("--displayname=\"Acme USA\" x", new[] { "--displayname=Acme USA", "x" })]
    [TestCase("\"\"", new[] { "" })]
    [TestCase("\"say \\\"hi\\\" now\"", new[] { "say \"hi\" now" })]
    [TestCase("\"back\\\\slash\"", new[] { "back\\slash" })]
    [TestCase("\"C:\\path\"", new[] { "C:\\path" })]
    [TestCase("\"a\"b c\"", new[] { "a\"b c" })] // a quote closes only before white space
    public void TryTokenize_Line_SplitsIntoWords(string line, string[] expected)
    {
        Assert.That(Words(line), Is.EqualTo(expected));
    }

    [Test]
    public void TryTokenize_QuotedWord_IsMarkedQuotedButOptionWithQuotedValueIsNot()
    {
        CommandTokenizer.TryTokenize("\"--name\" --name=\"x y\"", out List<CommandToken> tokens, out _);

        Assert.That(tokens.Select(t => t.Quoted), Is.EqualTo(new[] { true, false }));
    }

    [TestCase("--name \"acme us")]
    [TestCase("--name \u201Cacme us")]
    [TestCase("--name \"acme\"us")]
    [TestCase("\"")]
    public void TryTokenize_UnterminatedQuote_ReportsItWithoutQuotingTheValue(string line)
    {
        bool ok = CommandTokenizer.TryTokenize(line, out _, out string? error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.False);
            Assert.That(error, Does.Contain("never closed"));
            Assert.That(error, Does.Not.Contain("acme"));
        }
    }

    [TestCase("")]
    [TestCase("plain")]
    [TestCase("two words")]
    [TestCase("--looks-like-an-option")]
    [TestCase("-dash")]
    [TestCase("\u2014long dash")]
    [TestCase("quote\" inside")]
    [TestCase("\u201Ccurly\u201D")]
    [TestCase("\u2018single\u2019 ")]
    [TestCase("back\\ slash\\")]
    [TestCase("ends with \\")]
    [TestCase("new\nline")]
    public void Quote_Value_IsReadBackAsOneWord(string value)
    {
        string quoted = CommandTokenizer.Quote(value);

        bool ok = CommandTokenizer.TryTokenize(quoted, out List<CommandToken> tokens, out string? error);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True, error);
            Assert.That(tokens.Select(t => t.Text), Is.EqualTo(new[] { value }), quoted);
        }
    }

    [Test]
    public void Quote_RandomValues_AreReadBackAsOneWord()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        const string alphabet = "ab -_.=\"'\\\u201C\u201D\u2018\u2019\u201E\u2014\u00A0\t\u00E9\U0001F600";
        for (int n = 0; n < 2000; n++)
        {
            string value = new([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            string quoted = CommandTokenizer.Quote(value);

            bool ok = CommandTokenizer.TryTokenize(quoted, out List<CommandToken> tokens, out string? error);

            Assert.That(ok && tokens.Count == 1 && tokens[0].Text == value, Is.True, $"seed {seed}: {quoted} read as [{string.Join("|", tokens.Select(t => t.Text))}] {error}");
        }
    }
}
