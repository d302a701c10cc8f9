namespace SharedChannels.Samples.Chat;

/// <summary>The kinds of rows in the <c>changes</c> log.</summary>
internal static class ChangeKind
{
    public const string Post = "post";
    public const string Reaction = "reaction";
    public const string Acknowledgement = "acknowledgement";
    public const string Membership = "membership";
}
