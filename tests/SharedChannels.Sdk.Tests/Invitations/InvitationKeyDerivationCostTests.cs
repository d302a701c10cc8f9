using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Invitations;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Testing;

namespace SharedChannels.Tests.Invitations;

/// <summary>
/// Production seals and opens invitation codes with Mattermost's key derivation; the cheap cost the other fixtures use
/// cannot leak into a code a production host opens.
/// </summary>
public sealed class InvitationKeyDerivationCostTests
{
    private static readonly Invitation Sample = new()
    {
        RemoteId = "ko8kjhd9e3dq7m3zjy4bqxfgyo",
        SiteUrl = "https://chat.example.com",
        Token = "u1p8mhzyzpnq7cefw9dg7k4h4r",
    };

    [Test]
    public void AddSharedChannels_RegistersMattermostCost()
    {
        var services = new ServiceCollection();
        services.AddSharedChannels();
        using ServiceProvider provider = services.BuildServiceProvider();

        InvitationKeyDerivationCost cost = provider.GetRequiredService<InvitationKeyDerivationCost>();

        Assert.That(cost, Is.SameAs(InvitationKeyDerivationCost.Mattermost));
        Assert.That(cost.Pbkdf2Iterations, Is.EqualTo(600_000));
        Assert.That(cost.ScryptCost, Is.EqualTo(32_768));
    }

    [Test]
    public async Task CreateAsync_ProductionRegistration_CodeOpensWithThePublicCodec()
    {
        var network = new LoopbackNetwork();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        await using TestWorkspace workspace = await TestWorkspace.StartAsync("prod", network, time, mattermostKeyDerivation: true);

        ConnectionInvitation created = await workspace.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "peer", Password = "pw" });

        Assert.That(InvitationCodec.Decrypt(created.InvitationCode, "pw").RemoteId, Is.EqualTo(created.Connection.Id));
    }

    [Test]
    public void Decrypt_CodeSealedWithTheCheapCost_DoesNotOpenWithMattermostCost()
    {
        string cheap = InvitationCodec.Encrypt(Sample, "pw", InvitationKeyDerivationCost.CheapForTestsOnly);

        InvitationException? ex = Assert.Throws<InvitationException>(() => InvitationCodec.Decrypt(cheap, "pw"));

        Assert.That(ex?.Reason, Is.EqualTo(InvitationFailureReason.WrongPasswordOrDamaged));
        Assert.That(InvitationCodec.Decrypt(cheap, "pw", InvitationKeyDerivationCost.CheapForTestsOnly).Token, Is.EqualTo(Sample.Token), "the cheap cost opens its own codes");
    }

    [Test]
    public void Decrypt_CodeSealedWithMattermostCost_DoesNotOpenWithTheCheapCost()
    {
        string real = InvitationCodec.Encrypt(Sample, "pw");

        Assert.That(() => InvitationCodec.Decrypt(real, "pw", InvitationKeyDerivationCost.CheapForTestsOnly), Throws.InstanceOf<InvitationException>());
    }
}
