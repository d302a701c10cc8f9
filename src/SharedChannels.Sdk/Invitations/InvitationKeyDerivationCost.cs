namespace SharedChannels.Invitations;

/// <summary>
/// How expensive the invitation key derivation is: the PBKDF2 iteration count and the scrypt cost parameter N.
/// </summary>
/// <remarks>
/// <para>
/// Production always uses <see cref="Mattermost"/>, the parameters Mattermost seals and opens codes with:
/// <see cref="InvitationCodec"/>'s public methods take no cost, and the dependency-injection registration adds
/// <see cref="Mattermost"/> with <c>TryAdd</c>. This type is internal and its constructor is private, so a host cannot
/// name it, let alone register another cost; a code sealed with a cheaper cost cannot come out of a production host.
/// </para>
/// <para>
/// <see cref="CheapForTestsOnly"/> exists so that test fixtures that connect workspaces do not pay a fraction of a
/// second of CPU per code. A code sealed with it does not open with the real cost (the keys differ), so it cannot be
/// mistaken for a Mattermost code.
/// </para>
/// </remarks>
internal sealed class InvitationKeyDerivationCost
{
    private InvitationKeyDerivationCost(int pbkdf2Iterations, int scryptCost)
    {
        Pbkdf2Iterations = pbkdf2Iterations;
        ScryptCost = scryptCost;
    }

    /// <summary>Gets the cost Mattermost uses (PBKDF2-HMAC-SHA256 600 000 iterations; scrypt N = 32 768): the only one production uses.</summary>
    public static InvitationKeyDerivationCost Mattermost { get; } = new(InvitationKeyDerivation.Pbkdf2Iterations, InvitationKeyDerivation.ScryptCost);

    /// <summary>
    /// Gets a minimal cost (one PBKDF2 iteration, scrypt N = 2) for test fixtures that are not about invitations.
    /// Never use it outside tests: codes sealed with it are not Mattermost-compatible and offer no protection.
    /// </summary>
    public static InvitationKeyDerivationCost CheapForTestsOnly { get; } = new(1, 2);

    /// <summary>Gets the PBKDF2-HMAC-SHA256 iteration count (invitation version 3 and later).</summary>
    public int Pbkdf2Iterations { get; }

    /// <summary>Gets the scrypt CPU/memory cost parameter N (invitations older than version 3).</summary>
    public int ScryptCost { get; }
}
