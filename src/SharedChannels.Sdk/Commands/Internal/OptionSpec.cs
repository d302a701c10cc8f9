namespace SharedChannels.Commands.Internal;

/// <summary>An option (<c>--name value</c>) a subcommand accepts.</summary>
/// <param name="Name">The name as documented, e.g. <c>connectionID</c>; matched ignoring case, <c>-</c> and <c>_</c>.</param>
/// <param name="Placeholder">What the value is, for the usage line; <see langword="null"/> for a switch.</param>
/// <param name="Required">Whether the subcommand needs it.</param>
internal sealed record OptionSpec(string Name, string? Placeholder, bool Required)
{
    /// <summary>Gets the key the option is matched and stored under.</summary>
    public string Key { get; } = Normalize(Name);

    /// <summary>Gets a value indicating whether the option is a switch: alone, or with Y/N/true/false/yes/no.</summary>
    public bool IsSwitch => Placeholder is null;

    /// <summary>Gets how the option appears in a usage line.</summary>
    public string Usage
    {
        get
        {
            string text = IsSwitch ? $"--{Name}" : $"--{Name} <{Placeholder}>";
            return Required ? text : $"[{text}]";
        }
    }

    /// <summary>Normalizes an option name as typed: lower case, without <c>-</c> and <c>_</c> (<c>--connection-id</c> is <c>--connectionID</c>).</summary>
    /// <param name="name">The name without its leading dashes.</param>
    /// <returns>The key.</returns>
    public static string Normalize(string name) =>
        new([.. name.Where(c => c is not '-' and not '_').Select(char.ToLowerInvariant)]);
}
