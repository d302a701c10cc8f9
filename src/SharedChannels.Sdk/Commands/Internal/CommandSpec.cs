namespace SharedChannels.Commands.Internal;

/// <summary>A slash command (<c>/secure-connection</c>, <c>/share-channel</c>) and its subcommands.</summary>
/// <param name="Trigger">The command without the slash.</param>
/// <param name="Subcommands">Its subcommands.</param>
internal sealed record CommandSpec(string Trigger, IReadOnlyList<SubcommandSpec> Subcommands)
{
    /// <summary>Finds a subcommand by the name typed, ignoring case.</summary>
    /// <param name="name">The name as typed.</param>
    /// <returns>The subcommand, or <see langword="null"/>.</returns>
    public SubcommandSpec? FindSubcommand(string name) =>
        Subcommands.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
