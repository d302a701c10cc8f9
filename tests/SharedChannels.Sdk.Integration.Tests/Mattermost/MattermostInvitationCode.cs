using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SharedChannels.Integration.Tests.Mattermost;

/// <summary>
/// The invitation code as Mattermost makes and opens it (public/model/remote_cluster.go, <c>RemoteClusterInvite</c>
/// <c>Encrypt</c>/<c>Decrypt</c>; the app layer encodes the blob with base64 URL encoding, padded). Written here with
/// .NET's own primitives so the SDK's codec is not used to test itself. Only the PBKDF2 (version ≥ 3) key is modelled;
/// an scrypt-keyed code (version &lt; 3) fails to open, which the tests do not need.
/// </summary>
internal static class MattermostInvitationCode
{
    private const int SaltSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int Pbkdf2Iterations = 600_000;

    /// <summary>The <c>RemoteClusterInvite</c> fields (refreshed_token and version are omitempty).</summary>
    public sealed record Invite(string RemoteId, string SiteUrl, string Token, string RefreshedToken = "", int Version = 0, string RemoteTeamId = "");

    public static byte[] ToJson(Invite invite) => GoJson.ToBytes(w =>
    {
        w.WriteStartObject();
        GoJson.String(w, "remote_id", invite.RemoteId);
        GoJson.String(w, "remote_team_id", invite.RemoteTeamId);
        GoJson.String(w, "site_url", invite.SiteUrl);
        GoJson.String(w, "token", invite.Token);
        GoJson.String(w, "refreshed_token", invite.RefreshedToken, omitEmpty: true);
        GoJson.Int64(w, "version", invite.Version, omitEmpty: true);
        w.WriteEndObject();
    });

    public static Invite FromJson(JsonElement json) => new(
        GoJson.GetString(json, "remote_id"),
        GoJson.GetString(json, "site_url"),
        GoJson.GetString(json, "token"),
        GoJson.GetString(json, "refreshed_token"),
        (int)GoJson.GetInt64(json, "version"),
        GoJson.GetString(json, "remote_team_id"));

    public static string Encrypt(Invite invite, string password)
    {
        byte[] plain = ToJson(invite);
        byte[] blob = new byte[SaltSize + NonceSize + plain.Length + TagSize];
        Span<byte> salt = blob.AsSpan(0, SaltSize);
        Span<byte> nonce = blob.AsSpan(SaltSize, NonceSize);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt.ToArray(), Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, blob.AsSpan(SaltSize + NonceSize, plain.Length), blob.AsSpan(SaltSize + NonceSize + plain.Length, TagSize));
        return Convert.ToBase64String(blob).Replace('+', '-').Replace('/', '_');
    }

    public static Invite Decrypt(string code, string password)
    {
        byte[] blob = Convert.FromBase64String(code.Replace('-', '+').Replace('_', '/'));
        if (blob.Length <= SaltSize + NonceSize + TagSize)
        {
            throw new CryptographicException("invalid length");
        }

        byte[] salt = blob[..SaltSize];
        byte[] nonce = blob[SaltSize..(SaltSize + NonceSize)];
        byte[] cipher = blob[(SaltSize + NonceSize)..^TagSize];
        byte[] tag = blob[^TagSize..];
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);
        byte[] plain = new byte[cipher.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(nonce, cipher, tag, plain);
        using JsonDocument json = JsonDocument.Parse(plain);
        return FromJson(json.RootElement);
    }
}
