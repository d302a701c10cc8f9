namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>One way two workspaces' views of a shared channel differ.</summary>
/// <param name="Kind">What differs: <c>post</c>, <c>reaction</c>, <c>acknowledgement</c> or <c>member</c>.</param>
/// <param name="Description">Which item, on which sides.</param>
internal sealed record ChaosDifference(string Kind, string Description)
{
    public override string ToString() => Description;
}
