namespace SharedChannels.Commands;

/// <summary>The answer to a successful slash command that returns data, for hosts that show more than the Markdown.</summary>
/// <typeparam name="TData">The data: see <see cref="SlashCommandHandler.ExecuteAsync"/> for which command returns what.</typeparam>
public sealed class CommandResult<TData> : CommandResult
{
    internal CommandResult(string markdown, TData data)
        : base(succeeded: true, markdown, errorCode: null)
    {
        Data = data;
    }

    /// <summary>Gets what the command returned, as the SDK service it called returned it.</summary>
    public TData Data { get; }
}
