using BenchmarkDotNet.Attributes;
using SharedChannels.Invitations;

namespace SharedChannels.Benchmarks;

/// <summary>
/// Sealing and opening invitation codes. Almost all of the time is the key derivation, which is meant to be slow:
/// PBKDF2-HMAC-SHA256 with 600,000 iterations for version 3 codes, scrypt (N = 32768, r = 8, p = 1) for version 2.
/// Opening a version 2 code costs both, because the version is inside the sealed JSON: PBKDF2 is tried first.
/// </summary>
/// <remarks>Each operation takes a large fraction of a second, so the iteration counts are capped to keep a run short.</remarks>
[MemoryDiagnoser]
[MinColumn]
[MaxWarmupCount(8)]
[MaxIterationCount(20)]
public class InvitationCodecBenchmarks
{
    private const string Password = "correct horse battery staple";

    private Invitation _v3 = null!;
    private Invitation _v2 = null!;
    private string _codeV3 = null!;
    private string _codeV2 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _v3 = new Invitation
        {
            RemoteId = "k8xq3m1b7dfo9wzrt4hpeyjucn",
            SiteUrl = "https://chat.example.com",
            Token = "tq9h3wz7x1ok5mbfyd8rn4e6ja",
            Version = 3,
        };
        _v2 = _v3 with { Version = 2 };
        _codeV3 = InvitationCodec.Encrypt(_v3, Password);
        _codeV2 = InvitationCodec.Encrypt(_v2, Password);
    }

    /// <summary>Seals a version 3 code (PBKDF2): what this SDK and current Mattermost servers create.</summary>
    [Benchmark(Baseline = true)]
    public string EncryptV3() => InvitationCodec.Encrypt(_v3, Password);

    /// <summary>Opens a version 3 code: one PBKDF2 derivation.</summary>
    [Benchmark]
    public Invitation DecryptV3() => InvitationCodec.Decrypt(_codeV3, Password);

    /// <summary>Seals a legacy version 2 code (scrypt).</summary>
    [Benchmark]
    public string EncryptV2() => InvitationCodec.Encrypt(_v2, Password);

    /// <summary>Opens a legacy version 2 code: a failed PBKDF2 attempt, then scrypt.</summary>
    [Benchmark]
    public Invitation DecryptV2() => InvitationCodec.Decrypt(_codeV2, Password);
}
