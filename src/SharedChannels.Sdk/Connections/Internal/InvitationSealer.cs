using System.Security.Cryptography;
using SharedChannels.Invitations;
using SharedChannels.Storage;

namespace SharedChannels.Connections.Internal;

/// <summary>
/// Seals a pending connection's invitation code and opens codes from other workspaces, with the invitation key
/// derivation cost registered in the container (<see cref="InvitationKeyDerivationCost.Mattermost"/> outside tests),
/// and generates the passwords for them.
/// </summary>
internal sealed class InvitationSealer(InvitationKeyDerivationCost cost)
{
    private const int GeneratedPasswordLength = 24;
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>Returns <paramref name="password"/>, or a strong generated one when it is <see langword="null"/>; refuses an empty one.</summary>
    public static string PasswordOrGenerated(string? password)
    {
        password ??= new string(RandomNumberGenerator.GetItems<char>(PasswordAlphabet, GeneratedPasswordLength));
        return password.Length > 0
            ? password
            : throw new SharedChannelsException(SharedChannelsErrorCode.InvalidArgument, "The invitation password must not be empty. Give one, or leave it out to have a strong one generated.");
    }

    /// <summary>Gets this workspace's site URL without a trailing slash; refuses when it is not configured.</summary>
    public static string RequireSiteUrl(SharedChannelsOptions options) =>
        options.SiteUrl is { Length: > 0 } url
            ? url.TrimEnd('/')
            : throw new SharedChannelsException(SharedChannelsErrorCode.InvalidState, "SharedChannelsOptions.SiteUrl is not set: peers need this workspace's public URL. Set it to an absolute http(s) URL.");

    /// <summary>Seals the invitation to the pending connection <paramref name="record"/> created here.</summary>
    public string Seal(ConnectionRecord record, SharedChannelsOptions options, string password) =>
        InvitationCodec.Encrypt(new Invitation { RemoteId = record.RemoteId, SiteUrl = RequireSiteUrl(options), Token = record.Token }, password, cost);

    /// <summary>Opens an invitation code pasted by a person.</summary>
    /// <exception cref="InvitationException">The code or the password is wrong.</exception>
    public Invitation Open(string code, string password) => InvitationCodec.Decrypt(code, password, cost);
}
