using SharedChannels.Commands.Internal;

namespace SharedChannels.Tests.Commands;

public sealed class CommandParserTests
{
    private static ParseResult Parsed(string line)
    {
        ParseResult result = CommandParser.Parse(line);
        Assert.That(result.Succeeded, Is.True, result.Error);
        return result;
    }

    private static ParseResult Failed(string line)
    {
        ParseResult result = CommandParser.Parse(line);
        Assert.That(result.Succeeded, Is.False, $"'{line}' should not parse");
        return result;
    }

    // The examples of PRODUCT-GUIDE.txt, verbatim (curly quotes and the [code-blob] placeholder included).
    [Test]
    public void Parse_GuideCreateExample_ReadsEveryOption()
    {
        ParseResult result = Parsed("/secure-connection create --name AcmeUS --displayname \u201CAcmeUSA\u201D --password examplepassword");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Subcommand?.Kind, Is.EqualTo(CommandKind.CreateConnection));
            Assert.That(result.Value(CommandCatalog.NameKey), Is.EqualTo("AcmeUS"));
            Assert.That(result.Value(CommandCatalog.DisplayNameKey), Is.EqualTo("AcmeUSA"));
            Assert.That(result.Value(CommandCatalog.PasswordKey), Is.EqualTo("examplepassword"));
        }
    }

    [Test]
    public void Parse_GuideAcceptExample_ReadsEveryOptionAndDropsTheBracketsAroundTheCode()
    {
        ParseResult result = Parsed("/secure-connection accept --name AcmeUS --displayname \u201CAcmeUSA\u201D --password examplepassword --invite [code-blob]");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Subcommand?.Kind, Is.EqualTo(CommandKind.AcceptInvitation));
            Assert.That(result.Value(CommandCatalog.NameKey), Is.EqualTo("AcmeUS"));
            Assert.That(result.Value(CommandCatalog.DisplayNameKey), Is.EqualTo("AcmeUSA"));
            Assert.That(result.Value(CommandCatalog.PasswordKey), Is.EqualTo("examplepassword"));
            Assert.That(result.Value(CommandCatalog.InviteKey), Is.EqualTo("code-blob"));
        }
    }

    [TestCase("/share-channel unshare", nameof(CommandKind.UnshareChannel))]
    [TestCase("/secure-connection status", nameof(CommandKind.ConnectionStatus))]
    [TestCase("/share-channel status", nameof(CommandKind.ChannelStatus))]
    [TestCase("/secure-connection help", nameof(CommandKind.Help))]
    public void Parse_GuideCommandWithoutOptions_IsRecognized(string line, string kind)
    {
        Assert.That(Parsed(line).Subcommand?.Kind.ToString(), Is.EqualTo(kind));
    }

    // The guide's syntax lines leave values out; each answers with what is missing and the usage of that subcommand.
    [TestCase("/secure-connection create --name <--displayname> --password", "create", "--name needs a value")]
    [TestCase("/secure-connection accept --name --displayname --password --invite [code blob]", "accept", "--name needs a value")]
    [TestCase("/share-channel invite --connectionID <--readonly>", "invite", "--connectionID needs a value")]
    [TestCase("/share-channel invite --connectionID", "invite", "--connectionID needs a value")]
    [TestCase("/share-channel uninvite --connectionID", "uninvite", "--connectionID needs a value")]
    [TestCase("/secure-connection remove --connectionID", "remove", "--connectionID needs a value")]
    public void Parse_GuideSyntaxLineWithoutValues_NamesTheMissingValueOfThatSubcommand(string line, string subcommand, string error)
    {
        ParseResult result = Failed(line);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Subcommand?.Name, Is.EqualTo(subcommand));
            Assert.That(result.Error, Does.StartWith(error));
            Assert.That(result.Usage, Has.Count.EqualTo(1));
        }
    }

    [TestCase("/share-channel invite --connectionID abc --readonly", true)]
    [TestCase("/share-channel invite --readonly --connectionID abc", true)]
    [TestCase("/share-channel invite --connectionID abc", false)]
    [TestCase("/share-channel invite --connectionID abc --readonly Y", true)]
    [TestCase("/share-channel invite --connectionID abc --readonly yes", true)]
    [TestCase("/share-channel invite --connectionID abc --readonly TRUE", true)]
    [TestCase("/share-channel invite --connectionID abc --readonly N", false)]
    [TestCase("/share-channel invite --connectionID abc --readonly no", false)]
    [TestCase("/share-channel invite --connectionID abc --readonly false", false)]
    [TestCase("/share-channel invite --readonly n --connectionID abc", false)]
    [TestCase("/share-channel invite --connectionID abc --readonly=N", false)]
    [TestCase("/share-channel invite --connectionID abc --readonly \"yes\"", true)]
    [TestCase("/share-channel invite --connectionID abc --read-only", true)]
    public void Parse_ReadOnlySwitch_AloneOrWithAYesNoValue(string line, bool expected)
    {
        ParseResult result = Parsed(line);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Switch(CommandCatalog.ReadOnlyKey), Is.EqualTo(expected));
            Assert.That(result.Value(CommandCatalog.ConnectionIdKey), Is.EqualTo("abc"));
        }
    }

    [TestCase("/share-channel invite --connectionID abc --readonly maybe")]
    [TestCase("/share-channel invite --connectionID abc --readonly=1")]
    public void Parse_ReadOnlyWithAnotherValue_ExplainsTheValuesItTakes(string line)
    {
        Assert.That(Failed(line).Error, Does.Contain("takes no value, or one of Y, N, yes, no, true, false"));
    }

    [TestCase("--connectionID")]
    [TestCase("--connectionid")]
    [TestCase("--CONNECTIONID")]
    [TestCase("--ConnectionId")]
    [TestCase("--connection-id")]
    [TestCase("--connection_id")]
    [TestCase("\u2014connectionID")] // autocorrect's long dash
    [TestCase("\u2013connectionID")]
    public void Parse_OptionNameSpelling_IsMatchedIgnoringCaseAndSeparators(string option)
    {
        Assert.That(Parsed($"/secure-connection remove {option} abc").Value(CommandCatalog.ConnectionIdKey), Is.EqualTo("abc"));
    }

    [TestCase("/SECURE-CONNECTION STATUS")]
    [TestCase("secure-connection status")]
    [TestCase("  /secure-connection   status  ")]
    public void Parse_TriggerAndSubcommand_AreMatchedIgnoringCaseAndSlash(string line)
    {
        Assert.That(Parsed(line).Subcommand?.Kind, Is.EqualTo(CommandKind.ConnectionStatus));
    }

    [TestCase("/secure-connection create --password pw --displayname D --name n")]
    [TestCase("/secure-connection create --displayname D --name n --password pw")]
    [TestCase("/secure-connection create --name=n --displayname=D --password=pw")]
    [TestCase("/secure-connection create --name n --displayname \"D\" --password \u201Cpw\u201D")]
    public void Parse_OptionsInAnyOrder_ReadTheSameValues(string line)
    {
        ParseResult result = Parsed(line);

        Assert.That(
            new[] { result.Value(CommandCatalog.NameKey), result.Value(CommandCatalog.DisplayNameKey), result.Value(CommandCatalog.PasswordKey) },
            Is.EqualTo(new[] { "n", "D", "pw" }));
    }

    [TestCase("acme.us-east_1")]
    [TestCase("AcmeUS")]
    [TestCase("a")]
    public void Parse_NameWithPeriodsHyphensUnderscores_IsOneValue(string name)
    {
        Assert.That(Parsed($"/secure-connection create --name {name}").Value(CommandCatalog.NameKey), Is.EqualTo(name));
    }

    [TestCase("\"Acme USA\"", "Acme USA")]
    [TestCase("\u201CAcme USA\u201D", "Acme USA")]
    [TestCase("\u2018Acme USA\u2019", "Acme USA")]
    [TestCase("\u201CAcme\u2019s best team\u201D", "Acme\u2019s best team")]
    [TestCase("\"  padded  \"", "padded")]
    public void Parse_QuotedDisplayName_KeepsItsSpaces(string quoted, string expected)
    {
        Assert.That(Parsed($"/secure-connection create --name n --displayname {quoted}").Value(CommandCatalog.DisplayNameKey), Is.EqualTo(expected));
    }

    [Test]
    public void Parse_QuotedPassword_KeepsItsSpacesExactly()
    {
        Assert.That(Parsed("/secure-connection create --name n --password \" x y \"").Value(CommandCatalog.PasswordKey), Is.EqualTo(" x y "));
    }

    [TestCase("/secure-connection create --name n --password --starts-with-dashes", "--starts-with-dashes")]
    [TestCase("/secure-connection create --name n --password \"--displayname\"", "--displayname")]
    public void Parse_PasswordThatLooksLikeAnOption_IsTheValue(string line, string password)
    {
        Assert.That(Parsed(line).Value(CommandCatalog.PasswordKey), Is.EqualTo(password));
    }

    [Test]
    public void Parse_InvitationCodeStartingWithDashes_IsTheValue()
    {
        Assert.That(Parsed("/secure-connection accept --name n --password p --invite --Ab_c=").Value(CommandCatalog.InviteKey), Is.EqualTo("--Ab_c="));
    }

    [TestCase("/secure-connection create --displayname x", "--name is required.", "/secure-connection create --name <name> [--displayname <display name>] [--password <password>]")]
    [TestCase("/secure-connection accept --name n", "--password, --invite are required.", "/secure-connection accept --name <name> [--displayname <display name>] --password <password> --invite <invitation code>")]
    [TestCase("/secure-connection create --name a --name b", "--name is given more than once.", "/secure-connection create")]
    [TestCase("/secure-connection create --name a --NAME b", "--name is given more than once.", "/secure-connection create")]
    [TestCase("/share-channel invite --connectionID a --readonly --readonly", "--readonly is given more than once.", "/share-channel invite --connectionID <connection id> [--readonly]")]
    [TestCase("/secure-connection create --name a --colour red", "Unknown option `--colour` for /secure-connection create.", "/secure-connection create")]
    [TestCase("/secure-connection status --all", "Unknown option `--all` for /secure-connection status.", "/secure-connection status")]
    [TestCase("/share-channel unshare now", "/share-channel unshare takes no options.", "/share-channel unshare")]
    [TestCase("/share-channel invite abc", "Unexpected text after /share-channel invite: options start with --, like --connectionID.", "/share-channel invite")]
    [TestCase("/secure-connection remove --connectionID", "--connectionID needs a value: `--connectionID <connection id>`.", "/secure-connection remove --connectionID <connection id>")]
    [TestCase("/secure-connection remove --connectionID \"  \"", "--connectionID needs a value", "/secure-connection remove")]
    [TestCase("/secure-connection create --name \"acme us --password x", "never closed", "/secure-connection create")]
    public void Parse_BadOptions_AnswerWhatIsWrongAndTheUsageOfThatSubcommand(string line, string error, string usage)
    {
        ParseResult result = Failed(line);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error, Does.Contain(error));
            Assert.That(result.Usage, Has.Count.EqualTo(1));
            Assert.That(result.Usage[0], Does.StartWith(usage));
        }
    }

    [TestCase("/secure-connection", "/secure-connection needs a subcommand.")]
    [TestCase("/secure-connection frobnicate", "Unknown subcommand `frobnicate` for /secure-connection.")]
    [TestCase("/secure-connection --name x", "Unknown subcommand `--name` for /secure-connection.")]
    public void Parse_MissingOrUnknownSubcommand_AnswersEveryUsageOfThatCommand(string line, string error)
    {
        ParseResult result = Failed(line);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error, Does.Contain(error));
            Assert.That(result.Usage, Has.Some.StartsWith("/secure-connection create"));
            Assert.That(result.Usage, Has.Some.StartsWith("/secure-connection status"));
            Assert.That(result.Usage, Has.None.StartsWith("/share-channel"));
        }
    }

    [TestCase("", "The command is empty.")]
    [TestCase("   ", "The command is empty.")]
    [TestCase("/giphy cats", "`/giphy` is not a shared channels command.")]
    [TestCase("secure connection status", "`secure` is not a shared channels command.")]
    public void Parse_NotOneOfTheseCommands_AnswersEveryUsage(string line, string error)
    {
        ParseResult result = Failed(line);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error, Does.Contain(error));
            Assert.That(result.Command, Is.Null);
            Assert.That(result.Usage, Has.Some.StartsWith("/secure-connection"));
            Assert.That(result.Usage, Has.Some.StartsWith("/share-channel"));
        }
    }

    [Test]
    public void Parse_HugeLine_IsRefusedAndStillNamesTheCommand()
    {
        string line = "/secure-connection accept --name n --password p --invite " + new string('A', CommandParser.MaxLength);

        ParseResult result = Failed(line);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error, Does.StartWith("The command is too long"));
            Assert.That(result.Command?.Trigger, Is.EqualTo("secure-connection"));
        }
    }

    [TestCase("/secure-connection create --name acme --password battery staple hunter2")]
    [TestCase("/secure-connection accept --name acme --password hunter2 --invite battery staple")]
    [TestCase("/secure-connection accept --name acme --password hunter2 --invite abc --bogus=hunter2")]
    [TestCase("/secure-connection accept hunter2")]
    [TestCase("/secure-connection create --name acme --password \"hunter2")]
    [TestCase("/secure-connection accept --name acme --password hunter2 --invite")]
    public void Parse_ErrorAfterASecret_NeverQuotesTheSecret(string line)
    {
        ParseResult result = Failed(line);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Error, Does.Not.Contain("hunter2"));
            Assert.That(result.Error, Does.Not.Contain("battery"));
            Assert.That(result.Error, Does.Not.Contain("staple"));
        }
    }

    [Test]
    public void Parse_StrayWordAfterAValue_SaysToQuoteValuesWithSpaces()
    {
        Assert.That(
            Failed("/secure-connection create --name acme --displayname Acme USA").Error,
            Is.EqualTo("Unexpected text after the value of --displayname. Put a value that contains spaces in quotes: --displayname \"two words\"."));
    }
}
