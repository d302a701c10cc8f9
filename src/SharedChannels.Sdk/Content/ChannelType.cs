namespace SharedChannels.Content;

/// <summary>The kind of a channel, as Mattermost names them on the wire (<c>O</c>, <c>P</c>, <c>D</c>, <c>G</c>).</summary>
public enum ChannelType
{
    /// <summary>A public channel (<c>O</c>).</summary>
    Open = 0,

    /// <summary>A private channel (<c>P</c>).</summary>
    Private = 1,

    /// <summary>A direct message between two users (<c>D</c>).</summary>
    Direct = 2,

    /// <summary>A group message (<c>G</c>).</summary>
    Group = 3,
}
