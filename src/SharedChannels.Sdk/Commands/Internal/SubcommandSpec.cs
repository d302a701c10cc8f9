namespace SharedChannels.Commands.Internal;

/// <summary>A subcommand of a slash command, with the options it accepts.</summary>
/// <param name="Trigger">The command it belongs to, without the slash.</param>
/// <param name="Name">The subcommand as typed.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Description">One sentence for the help text.</param>
/// <param name="Options">The options it accepts.</param>
internal sealed record SubcommandSpec(string Trigger, string Name, CommandKind Kind, string Description, IReadOnlyList<OptionSpec> Options)
{
    /// <summary>Gets the usage line, e.g. <c>/secure-connection remove --connectionID &lt;connection id&gt;</c>.</summary>
    public string Usage => string.Join(' ', new[] { $"/{Trigger} {Name}" }.Concat(Options.Select(o => o.Usage)));

    /// <summary>Finds an option by the name typed.</summary>
    /// <param name="typedName">The name without its leading dashes.</param>
    /// <returns>The option, or <see langword="null"/>.</returns>
    public OptionSpec? FindOption(string typedName)
    {
        string key = OptionSpec.Normalize(typedName);
        return Options.FirstOrDefault(o => o.Key == key);
    }
}
