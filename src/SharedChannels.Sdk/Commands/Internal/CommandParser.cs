using System.Globalization;

namespace SharedChannels.Commands.Internal;

/// <summary>
/// Parses <c>/secure-connection</c> and <c>/share-channel</c> command lines. Options come in any order and are
/// matched ignoring case (<c>--connectionID</c>, <c>--connectionid</c>, <c>--connection-id</c>); a long dash typed
/// by autocorrect (<c>—name</c>) counts as <c>--</c>; <c>--option=value</c> works as well as <c>--option value</c>.
/// Parsing never throws for any text, and its errors never quote a value, which may be a password or a code.
/// </summary>
internal static class CommandParser
{
    /// <summary>The longest command line read; invitation codes are a few hundred characters.</summary>
    public const int MaxLength = 16 * 1024;

    private const int MaxEchoLength = 40;

    /// <summary>Parses a full command line, such as <c>/share-channel invite --connectionID abc --readonly</c>.</summary>
    /// <param name="commandLine">The text typed.</param>
    /// <returns>The command and its options, or why it is not valid.</returns>
    public static ParseResult Parse(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (commandLine.Length > MaxLength)
        {
            // Still name the command, so the answer can show its usage.
            CommandSpec? guessed = CommandCatalog.Find(FirstWord(commandLine.AsSpan(0, 64)));
            return ParseResult.Failure(guessed, null, string.Create(CultureInfo.InvariantCulture, $"The command is too long ({commandLine.Length} characters; at most {MaxLength})."));
        }

        bool complete = CommandTokenizer.TryTokenize(commandLine, out List<CommandToken> tokens, out string? quoteError);
        if (tokens.Count == 0)
        {
            return ParseResult.Failure(null, null, quoteError ?? "The command is empty.");
        }

        CommandSpec? command = CommandCatalog.Find(tokens[0].Text);
        if (command is null)
        {
            return ParseResult.Failure(null, null, $"{Echo(tokens[0].Text, "This")} is not a shared channels command. Use /{CommandCatalog.SecureConnectionTrigger} or /{CommandCatalog.ShareChannelTrigger}.");
        }

        if (tokens.Count < 2)
        {
            return ParseResult.Failure(command, null, quoteError ?? $"/{command.Trigger} needs a subcommand.");
        }

        SubcommandSpec? subcommand = command.FindSubcommand(tokens[1].Text);
        if (subcommand is null)
        {
            return ParseResult.Failure(command, null, $"Unknown subcommand {Echo(tokens[1].Text, "given")} for /{command.Trigger}.");
        }

        if (!complete)
        {
            return ParseResult.Failure(command, subcommand, quoteError!);
        }

        return ParseOptions(command, subcommand, tokens);
    }

    /// <summary>Whether <paramref name="word"/> starts like an option: <c>--</c>, or a long dash, then a letter.</summary>
    /// <param name="word">A word of the command line.</param>
    /// <returns>Whether it is written as an option.</returns>
    public static bool IsOptionPrefix(string word) => OptionNameStart(word) > 0;

    private static ParseResult ParseOptions(CommandSpec command, SubcommandSpec subcommand, List<CommandToken> tokens)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        OptionSpec? previous = null;
        for (int i = 2; i < tokens.Count; i++)
        {
            CommandToken token = tokens[i];
            if (!TrySplitOption(token, out string typedName, out string? inlineValue))
            {
                return ParseResult.Failure(command, subcommand, UnexpectedText(subcommand, previous));
            }

            OptionSpec? option = subcommand.FindOption(typedName);
            if (option is null)
            {
                return ParseResult.Failure(command, subcommand, $"Unknown option {Echo("--" + typedName, "given")} for /{command.Trigger} {subcommand.Name}.");
            }

            if (values.ContainsKey(option.Key))
            {
                return ParseResult.Failure(command, subcommand, $"--{option.Name} is given more than once.");
            }

            string? value;
            if (option.IsSwitch)
            {
                string? text = inlineValue;
                if (text is null && i + 1 < tokens.Count && TryParseYesNo(tokens[i + 1].Text, out _))
                {
                    text = tokens[++i].Text;
                }
                else if (text is null && i + 1 < tokens.Count && !IsOptionOf(subcommand, tokens[i + 1]) && !IsOptionToken(tokens[i + 1]))
                {
                    return ParseResult.Failure(command, subcommand, SwitchValueError(option));
                }

                bool on = true;
                if (text is not null && !TryParseYesNo(text, out on))
                {
                    return ParseResult.Failure(command, subcommand, SwitchValueError(option));
                }

                value = on ? bool.TrueString : bool.FalseString;
            }
            else
            {
                // The next word is the value unless it is another option of this subcommand (so a password or a
                // code that happens to start with "--" is still read as the value), or a placeholder copied from a
                // usage line such as the guide's "--name <--displayname>".
                value = inlineValue;
                if (value is null && i + 1 < tokens.Count && !IsOptionOf(subcommand, tokens[i + 1]) && !IsOptionPlaceholder(tokens[i + 1]))
                {
                    value = tokens[++i].Text;
                }

                value = value is null ? null : Clean(option, value);
                if (string.IsNullOrWhiteSpace(value))
                {
                    return ParseResult.Failure(command, subcommand, $"--{option.Name} needs a value: `{option.Usage.Trim('[', ']')}`.");
                }
            }

            values.Add(option.Key, value);
            previous = option;
        }

        OptionSpec[] missing = [.. subcommand.Options.Where(o => o.Required && !values.ContainsKey(o.Key))];
        if (missing.Length > 0)
        {
            string names = string.Join(", ", missing.Select(o => "--" + o.Name));
            return ParseResult.Failure(command, subcommand, missing.Length == 1 ? $"{names} is required." : $"{names} are required.");
        }

        return ParseResult.Success(command, subcommand, values);
    }

    /// <summary>Splits <c>--name</c> or <c>--name=value</c>; false for a word that is not an option.</summary>
    private static bool TrySplitOption(CommandToken token, out string name, out string? inlineValue)
    {
        name = string.Empty;
        inlineValue = null;
        int start = token.Quoted ? -1 : OptionNameStart(token.Text);
        if (start < 0)
        {
            return false;
        }

        string rest = token.Text[start..];
        int equals = rest.IndexOf('=', StringComparison.Ordinal);
        name = equals < 0 ? rest : rest[..equals];
        inlineValue = equals < 0 ? null : rest[(equals + 1)..];
        return true;
    }

    /// <summary>Where the option name starts in <paramref name="word"/>, or -1 when it is not written as an option.</summary>
    private static int OptionNameStart(string word)
    {
        int start = word.StartsWith("--", StringComparison.Ordinal) ? 2
            : word.Length > 0 && word[0] is '\u2013' or '\u2014' ? 1 // – and —, as autocorrect turns "--" into them
            : -1;
        return start > 0 && word.Length > start && char.IsAsciiLetter(word[start]) ? start : -1;
    }

    private static string FirstWord(ReadOnlySpan<char> text)
    {
        int start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        int end = start;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return text[start..end].ToString();
    }

    private static bool IsOptionPlaceholder(CommandToken token) =>
        !token.Quoted && token.Text.Length > 3 && token.Text[0] is '<' or '[' && OptionNameStart(token.Text[1..]) > 0;

    private static bool IsOptionToken(CommandToken token) => !token.Quoted && OptionNameStart(token.Text) > 0;

    private static bool IsOptionOf(SubcommandSpec subcommand, CommandToken token) =>
        TrySplitOption(token, out string name, out _) && subcommand.FindOption(name) is not null;

    private static bool TryParseYesNo(string text, out bool value)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "Y" or "YES" or "TRUE":
                value = true;
                return true;
            case "N" or "NO" or "FALSE":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Trims a value; strips one pair of [ ] or &lt; &gt; around ids and codes, which neither ever contains.</summary>
    private static string Clean(OptionSpec option, string value)
    {
        string trimmed = value.Trim();
        if (option.Key is CommandCatalog.ConnectionIdKey or CommandCatalog.InviteKey
            && trimmed.Length >= 2
            && ((trimmed[0] == '[' && trimmed[^1] == ']') || (trimmed[0] == '<' && trimmed[^1] == '>')))
        {
            trimmed = trimmed[1..^1].Trim();
        }

        return option.Key is CommandCatalog.PasswordKey ? value : trimmed;
    }

    private static string SwitchValueError(OptionSpec option) =>
        $"--{option.Name} takes no value, or one of Y, N, yes, no, true, false.";

    private static string UnexpectedText(SubcommandSpec subcommand, OptionSpec? previous)
    {
        if (previous is not null)
        {
            return previous.IsSwitch
                ? $"Unexpected text after --{previous.Name}. {SwitchValueError(previous)}"
                : $"Unexpected text after the value of --{previous.Name}. Put a value that contains spaces in quotes: --{previous.Name} \"two words\".";
        }

        return subcommand.Options.Count == 0
            ? $"/{subcommand.Trigger} {subcommand.Name} takes no options."
            : $"Unexpected text after /{subcommand.Trigger} {subcommand.Name}: options start with --, like --{subcommand.Options[0].Name}.";
    }

    /// <summary>Quotes a word the user typed only when it is short and plain, so no secret or markup is ever echoed.</summary>
    private static string Echo(string word, string fallback)
    {
        bool plain = word.Length is > 0 and <= MaxEchoLength && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');
        return plain ? $"`{word}`" : fallback;
    }
}
