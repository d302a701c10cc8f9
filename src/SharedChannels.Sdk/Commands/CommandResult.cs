using System.Globalization;

namespace SharedChannels.Commands;

/// <summary>
/// The answer to a slash command: whether it succeeded, and Markdown for the host to show to the user who ran
/// it (and only to them: an ephemeral post). A command that returns data answers with a
/// <see cref="CommandResult{TData}"/>; see <see cref="SlashCommandHandler.ExecuteAsync"/> for which.
/// </summary>
/// <remarks>
/// The Markdown of <c>/secure-connection create</c> holds the invitation code, and a generated password: post it
/// to the user who ran the command only, and do not log it. <see cref="ToString"/> leaves the Markdown out.
/// </remarks>
public class CommandResult
{
    internal CommandResult(bool succeeded, string markdown, SharedChannelsErrorCode? errorCode)
    {
        Succeeded = succeeded;
        Markdown = markdown;
        ErrorCode = errorCode;
    }

    /// <summary>Gets a value indicating whether the command did what it asked.</summary>
    public bool Succeeded { get; }

    /// <summary>Gets the reply for the user who ran the command, in Markdown: the outcome, or what was wrong and the usage.</summary>
    public string Markdown { get; }

    /// <summary>
    /// Gets why the command failed: <see cref="SharedChannelsErrorCode.InvalidArgument"/> for a command that could not
    /// be read (the Markdown then shows its usage), otherwise the code of the failure reported by the SDK.
    /// <see langword="null"/> when the command succeeded.
    /// </summary>
    public SharedChannelsErrorCode? ErrorCode { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"CommandResult {{ Succeeded = {Succeeded}, ErrorCode = {ErrorCode?.ToString() ?? "none"} }}");
}
