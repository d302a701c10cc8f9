namespace SharedChannels.Connections;

/// <summary>
/// An invitation to hand to the other workspace's administrator: the code and its password. Send them through
/// different channels. This is the only time the password is returned.
/// </summary>
/// <param name="Connection">The pending connection the invitation is for.</param>
/// <param name="InvitationCode">The encrypted invitation code. Secret.</param>
/// <param name="Password">The password that opens the code. Secret.</param>
public sealed record ConnectionInvitation(RemoteConnection Connection, string InvitationCode, string Password)
{
    /// <inheritdoc />
    public override string ToString() => $"ConnectionInvitation {{ Connection = {Connection.Id}, InvitationCode = ***, Password = *** }}";
}
