namespace SharedChannels.Commands.Internal;

/// <summary>One word of a command line, after quotes are removed.</summary>
/// <param name="Text">The text, without its quotes.</param>
/// <param name="Quoted">Whether the word started with a quote: such a word is always a value, never an option.</param>
internal readonly record struct CommandToken(string Text, bool Quoted);
