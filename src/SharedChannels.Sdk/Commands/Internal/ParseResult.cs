namespace SharedChannels.Commands.Internal;

/// <summary>
/// The outcome of parsing a command line: the command and subcommand as far as they were recognized, and either
/// the option values or an error a person can act on. Errors never quote option values.
/// </summary>
internal sealed class ParseResult
{
    private readonly IReadOnlyDictionary<string, string> _values;

    private ParseResult(CommandSpec? command, SubcommandSpec? subcommand, IReadOnlyDictionary<string, string> values, string? error)
    {
        Command = command;
        Subcommand = subcommand;
        _values = values;
        Error = error;
    }

    /// <summary>Gets the command, when the first word named one.</summary>
    public CommandSpec? Command { get; }

    /// <summary>Gets the subcommand, when the second word named one.</summary>
    public SubcommandSpec? Subcommand { get; }

    /// <summary>Gets why the line is not a valid command; <see langword="null"/> when it is.</summary>
    public string? Error { get; }

    /// <summary>Gets a value indicating whether the line is a valid command.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Gets the usage lines that apply: the subcommand's, else the command's, else every command's.</summary>
    public IReadOnlyList<string> Usage =>
        Subcommand is { } sub ? [sub.Usage]
        : Command is { } command ? [.. command.Subcommands.Select(s => s.Usage)]
        : [.. CommandCatalog.All.SelectMany(c => c.Subcommands).Select(s => s.Usage)];

    /// <summary>Gets the value of an option, or <see langword="null"/> when it was not given.</summary>
    /// <param name="key">The option key (<see cref="OptionSpec.Key"/>).</param>
    /// <returns>The value.</returns>
    public string? Value(string key) => _values.TryGetValue(key, out string? value) ? value : null;

    /// <summary>Gets whether a switch is on.</summary>
    /// <param name="key">The option key (<see cref="OptionSpec.Key"/>).</param>
    /// <returns><see langword="true"/> when given without a value or with a yes value.</returns>
    public bool Switch(string key) => _values.TryGetValue(key, out string? value) && value == bool.TrueString;

    /// <summary>Gets whether an option was given.</summary>
    /// <param name="key">The option key (<see cref="OptionSpec.Key"/>).</param>
    /// <returns>Whether it was given.</returns>
    public bool Has(string key) => _values.ContainsKey(key);

    public static ParseResult Success(CommandSpec command, SubcommandSpec subcommand, IReadOnlyDictionary<string, string> values) =>
        new(command, subcommand, values, null);

    public static ParseResult Failure(CommandSpec? command, SubcommandSpec? subcommand, string error) =>
        new(command, subcommand, new Dictionary<string, string>(), error);
}
