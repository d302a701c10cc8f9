using Microsoft.Extensions.Time.Testing;
using SharedChannels.Connections;
using SharedChannels.Identity;
using SharedChannels.Invitations;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Connections;

public sealed class SecureConnectionsTests
{
    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private TestWorkspace _a = null!;
    private TestWorkspace _b = null!;

    [SetUp]
    public async Task SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        _a = await TestWorkspace.StartAsync("a", _network, _time);
        _b = await TestWorkspace.StartAsync("b", _network, _time);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    public async Task CreateAsync_ValidRequest_ReturnsPendingConnectionAndOpenableCode()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "Acme.US_west-1", Password = "s3cret", DefaultTeamId = "team1" });

        Invitation invitation = InvitationCodec.Decrypt(created.InvitationCode, "s3cret", InvitationKeyDerivationCost.CheapForTestsOnly);
        ConnectionRecord stored = await _a.RecordAsync(created.Connection.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.Connection.Name, Is.EqualTo("acme.us_west-1"));
            Assert.That(created.Connection.DisplayName, Is.EqualTo("acme.us_west-1"));
            Assert.That(created.Connection.DefaultTeamId, Is.EqualTo("team1"));
            Assert.That(created.Connection.State, Is.EqualTo(ConnectionState.Pending));
            Assert.That(created.Connection.InvitationAccepted, Is.False);
            Assert.That(created.Connection.CreatedAt, Is.EqualTo(_time.GetUtcNow()));
            Assert.That(created.Password, Is.EqualTo("s3cret"));
            Assert.That(invitation.RemoteId, Is.EqualTo(created.Connection.Id));
            Assert.That(invitation.SiteUrl, Is.EqualTo(_a.SiteUrl));
            Assert.That(invitation.Version, Is.EqualTo(3));
            Assert.That(invitation.Token, Is.EqualTo(stored.Token));
            Assert.That(created.ToString(), Does.Not.Contain("s3cret").And.Not.Contain(created.InvitationCode));
        }
    }

    [Test]
    public async Task CreateAsync_NoPassword_GeneratesStrongPasswordThatOpensTheCode()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme" });

        Assert.That(created.Password, Has.Length.GreaterThanOrEqualTo(20));
        Assert.That(InvitationCodec.Decrypt(created.InvitationCode, created.Password, InvitationKeyDerivationCost.CheapForTestsOnly).RemoteId, Is.EqualTo(created.Connection.Id));
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("slash/name")]
    [TestCase("emoji🙂")]
    [TestCase("a2345678901234567890123456789012345678901234567890123456789012345")]
    public async Task CreateAsync_InvalidName_ThrowsAndStoresNothing(string name)
    {
        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = name, Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("1 to 64"));
        Assert.That(await _a.Store.ListAsync(), Is.Empty);
    }

    [Test]
    public async Task CreateAsync_NameTakenInOtherCase_ThrowsAlreadyExists()
    {
        await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "ACME", Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.AlreadyExists));
        Assert.That(await _a.Store.ListAsync(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task CreateAsync_UserWithoutPermission_ThrowsPermissionDeniedAndStoresNothing()
    {
        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.CreateAsync("someone", new CreateConnectionRequest { Name = "acme", Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.PermissionDenied));
        Assert.That(ex.Message, Does.Contain("manage_secure_connections"));
        Assert.That(await _a.Store.ListAsync(), Is.Empty);
    }

    [Test]
    public async Task CreateAsync_DelegatedPermission_Succeeds()
    {
        _a.Permissions.Grant("delegate", SharedChannelsPermission.ManageSecureConnections);

        ConnectionInvitation created = await _a.Connections.CreateAsync("delegate", new CreateConnectionRequest { Name = "acme", Password = "pw" });

        Assert.That(created.Connection.CreatorId, Is.EqualTo("delegate"));
    }

    [Test]
    public async Task CreateAsync_ServiceDisabled_ThrowsFeatureDisabledNamingTheSetting()
    {
        await using TestWorkspace disabled = await TestWorkspace.StartAsync("off", _network, _time, o => { o.EnableRemoteClusterService = false; o.EnableSharedChannels = false; });

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => disabled.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.FeatureDisabled));
        Assert.That(ex.Message, Does.Contain("EnableRemoteClusterService"));
    }

    [Test]
    public async Task AcceptAsync_ValidInvitation_BothSidesConnectedWithTokensRotated()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "org-b", DisplayName = "Org B", Password = "pw" });
        string t1 = (await _a.RecordAsync(created.Connection.Id)).Token;

        RemoteConnection accepted = await _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "org-a", DisplayName = "“AcmeUSA”", InvitationCode = created.InvitationCode, Password = "pw", DefaultTeamId = "team-b" });

        ConnectionRecord onA = await _a.RecordAsync(created.Connection.Id);
        ConnectionRecord onB = await _b.RecordAsync(created.Connection.Id);
        RemoteConnection? statusOnA = await _a.Connections.GetAsync(TestWorkspace.Admin, created.Connection.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.Id, Is.EqualTo(created.Connection.Id));
            Assert.That(accepted.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(accepted.SiteUrl, Is.EqualTo(_a.SiteUrl));
            Assert.That(accepted.DisplayName, Is.EqualTo("“AcmeUSA”"));
            Assert.That(accepted.DefaultTeamId, Is.EqualTo("team-b"));
            Assert.That(statusOnA!.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(statusOnA.SiteUrl, Is.EqualTo(_b.SiteUrl));
            Assert.That(statusOnA.InvitationAccepted, Is.True);

            // Rotation as in the wire profile: A→B carries T2, B→A carries T3, and T1 is retired.
            Assert.That(onA.RemoteToken, Is.EqualTo(onB.Token), "A presents T2 to B");
            Assert.That(onB.RemoteToken, Is.EqualTo(onA.Token), "B presents T3 to A");
            Assert.That(onA.Token, Is.Not.EqualTo(t1), "A's token was rotated away from the invitation token");
            Assert.That(new[] { onA.Token, onB.Token }, Is.Unique);
        }
    }

    [Test]
    public async Task AcceptAsync_AfterConfirmation_PingsSucceedBothWays()
    {
        string id = await _a.ConnectToAsync(_b);
        _time.Advance(TimeSpan.FromMinutes(10));

        await _a.Monitor.PingAllAsync();
        await _b.Monitor.PingAllAsync();

        Assert.That((await _a.Connections.GetAsync(TestWorkspace.Admin, id))!.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That((await _b.Connections.GetAsync(TestWorkspace.Admin, id))!.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task AcceptAsync_WrongPassword_ThrowsInvitationExceptionAndLeavesNothing()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "right" });

        var ex = Assert.ThrowsAsync<InvitationException>(() => _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "wrong" }));

        Assert.That(ex!.Reason, Is.EqualTo(InvitationFailureReason.WrongPasswordOrDamaged));
        Assert.That(await _b.Store.ListAsync(), Is.Empty);
        Assert.That((await _a.RecordAsync(created.Connection.Id)).InvitationAccepted, Is.False);
    }

    [Test]
    public async Task AcceptAsync_InviterUnreachable_ThrowsTransientAndLeavesNothing()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });
        _network.SetReachable(_a.SiteUrl, false);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.RemoteUnreachable));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(await _b.Store.ListAsync(), Is.Empty);

        // Once the inviter is back, the same code still works.
        _network.SetReachable(_a.SiteUrl, true);
        RemoteConnection accepted = await _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" });
        Assert.That(accepted.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task AcceptAsync_After48Hours_IsRefusedAndLeavesNothing()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });
        _time.Advance(TimeSpan.FromHours(48) + TimeSpan.FromSeconds(1));

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvitationExpired));
        Assert.That(ex.Message, Does.Contain("expired").And.Contain("new one"));
        Assert.That(await _b.Store.ListAsync(), Is.Empty);
        Assert.That((await _a.RecordAsync(created.Connection.Id)).InvitationAccepted, Is.False);
    }

    [Test]
    public async Task AcceptAsync_JustBefore48Hours_Succeeds()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });
        _time.Advance(TimeSpan.FromHours(47) + TimeSpan.FromMinutes(59));

        RemoteConnection accepted = await _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" });

        Assert.That(accepted.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task RegenerateInvitationAsync_Pending_RestartsExpiryAndEarlierCodeStillWorks()
    {
        ConnectionInvitation first = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "first" });
        _time.Advance(TimeSpan.FromHours(40));
        ConnectionInvitation second = await _a.Connections.RegenerateInvitationAsync(TestWorkspace.Admin, first.Connection.Id, "second");
        _time.Advance(TimeSpan.FromHours(40)); // 80 h after the first code, 40 h after the latest

        Assert.That(second.InvitationCode, Is.Not.EqualTo(first.InvitationCode));
        Assert.That(InvitationCodec.Decrypt(second.InvitationCode, "second", InvitationKeyDerivationCost.CheapForTestsOnly).Token, Is.EqualTo(InvitationCodec.Decrypt(first.InvitationCode, "first", InvitationKeyDerivationCost.CheapForTestsOnly).Token));
        RemoteConnection accepted = await _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = first.InvitationCode, Password = "first" });
        Assert.That(accepted.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task RegenerateInvitationAsync_Confirmed_ThrowsInvalidState()
    {
        string id = await _a.ConnectToAsync(_b);

        var onInviter = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.RegenerateInvitationAsync(TestWorkspace.Admin, id));
        var onAcceptor = Assert.ThrowsAsync<SharedChannelsException>(() => _b.Connections.RegenerateInvitationAsync(TestWorkspace.Admin, id));

        Assert.That(onInviter!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
        Assert.That(onAcceptor!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
    }

    [Test]
    public void RegenerateInvitationAsync_UnknownConnection_ThrowsNotFound()
    {
        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.RegenerateInvitationAsync(TestWorkspace.Admin, "nosuchconnection0000000000"));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.NotFound));
    }

    [Test]
    public async Task UpdateAsync_ChangesDisplayNameAndTeam()
    {
        string id = await _a.ConnectToAsync(_b);

        RemoteConnection updated = await _a.Connections.UpdateAsync(TestWorkspace.Admin, id, new UpdateConnectionRequest { DisplayName = "Acme Europe", DefaultTeamId = "t2" });

        Assert.That(updated.DisplayName, Is.EqualTo("Acme Europe"));
        Assert.That(updated.DefaultTeamId, Is.EqualTo("t2"));
        Assert.That((await _a.RecordAsync(id)).DisplayName, Is.EqualTo("Acme Europe"));
    }

    [Test]
    public async Task UpdateAsync_BlankDisplayName_ThrowsAndChangesNothing()
    {
        string id = await _a.ConnectToAsync(_b);
        ConnectionRecord before = await _a.RecordAsync(id);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.UpdateAsync(TestWorkspace.Admin, id, new UpdateConnectionRequest { DisplayName = "  " }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
        Assert.That(await _a.RecordAsync(id), Is.EqualTo(before));
    }

    [Test]
    public async Task DeleteAsync_Connected_SoftDeletesTellsPeerAndRefusesItsFrames()
    {
        string id = await _a.ConnectToAsync(_b);

        RemoteConnection deleted = await _a.Connections.DeleteAsync(TestWorkspace.Admin, id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted.State, Is.EqualTo(ConnectionState.Deleted));
            Assert.That(deleted.IsDeleted, Is.True);
            Assert.That((await _a.RecordAsync(id)).DeletedAt, Is.EqualTo(_time.GetUtcNow()), "kept as a soft delete");
            Assert.That((await _b.RecordAsync(id)).DeletedAt, Is.Not.Null, "the SDK peer was told");
            Assert.That(await _a.Connections.ListAsync(TestWorkspace.Admin), Is.Empty);
            Assert.That(await _a.Connections.ListAsync(TestWorkspace.Admin, includeDeleted: true), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task DeleteAsync_PeerUnreachable_StillDeletesLocally()
    {
        string id = await _a.ConnectToAsync(_b);
        _network.SetReachable(_b.SiteUrl, false);

        RemoteConnection deleted = await _a.Connections.DeleteAsync(TestWorkspace.Admin, id);

        Assert.That(deleted.State, Is.EqualTo(ConnectionState.Deleted));
        Assert.That((await _b.RecordAsync(id)).DeletedAt, Is.Null);
    }

    [Test]
    public async Task DeleteAsync_Twice_ThrowsInvalidState()
    {
        string id = await _a.ConnectToAsync(_b);
        await _a.Connections.DeleteAsync(TestWorkspace.Admin, id);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.DeleteAsync(TestWorkspace.Admin, id));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
    }

    [Test]
    public async Task DeleteAsync_UserWithoutPermission_ThrowsAndKeepsConnection()
    {
        string id = await _a.ConnectToAsync(_b);

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.DeleteAsync("intruder", id));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.PermissionDenied));
        Assert.That((await _a.RecordAsync(id)).DeletedAt, Is.Null);
    }

    [Test]
    public async Task AcceptAsync_SameCodeTwice_SecondIsRefused()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });
        await _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" });
        await using TestWorkspace c = await TestWorkspace.StartAsync("c", _network, _time);

        var sameSide = Assert.ThrowsAsync<SharedChannelsException>(() => _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a2", InvitationCode = created.InvitationCode, Password = "pw" }));
        var otherSide = Assert.ThrowsAsync<SharedChannelsException>(() => c.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "pw" }));

        Assert.That(sameSide!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.AlreadyExists));
        Assert.That(otherSide!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.Unauthenticated), "the invitation token was rotated away at confirmation");
        Assert.That(await c.Store.ListAsync(), Is.Empty);
    }

    [Test]
    public async Task AcceptAsync_OwnInvitation_IsRefused()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "pw" });

        var ex = Assert.ThrowsAsync<SharedChannelsException>(() => _a.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "self", InvitationCode = created.InvitationCode, Password = "pw" }));

        Assert.That(ex!.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
    }

    [Test]
    public async Task ConnectionState_SurvivesRestartOnTheSameStore()
    {
        IConnectionStore storeA = TestWorkspace.NewStore();
        await using (TestWorkspace a1 = await TestWorkspace.StartAsync("a1", _network, _time, store: storeA))
        {
            await a1.ConnectToAsync(_b);
        }

        await using TestWorkspace a2 = await TestWorkspace.StartAsync("a1", _network, _time, store: storeA);
        IReadOnlyList<RemoteConnection> list = await a2.Connections.ListAsync(TestWorkspace.Admin);
        await a2.Monitor.PingAllAsync();

        Assert.That(list, Has.Count.EqualTo(1));
        Assert.That(list[0].State, Is.EqualTo(ConnectionState.Connected));
        Assert.That((await a2.RecordAsync(list[0].Id)).LastPingAt, Is.EqualTo(_time.GetUtcNow()), "the restarted workspace can still authenticate to its peer");
    }

    [Test]
    public async Task Operations_NeverLogSecrets()
    {
        ConnectionInvitation created = await _a.Connections.CreateAsync(TestWorkspace.Admin, new CreateConnectionRequest { Name = "acme", Password = "hunter2-password" });
        Assert.ThrowsAsync<InvitationException>(() => _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "wrong-password" }));
        await _b.Connections.AcceptAsync(TestWorkspace.Admin, new AcceptInvitationRequest { Name = "a", InvitationCode = created.InvitationCode, Password = "hunter2-password" });
        await _a.Monitor.PingAllAsync();
        ConnectionRecord onA = await _a.RecordAsync(created.Connection.Id);
        ConnectionRecord onB = await _b.RecordAsync(created.Connection.Id);

        string logs = _a.Logs.AllText + _b.Logs.AllText;
        Assert.That(logs, Is.Not.Empty);
        foreach (string secret in new[] { "hunter2-password", "wrong-password", created.InvitationCode, onA.Token, onB.Token })
        {
            Assert.That(logs, Does.Not.Contain(secret));
        }

        Assert.That(onA.ToString(), Does.Not.Contain(onA.Token).And.Not.Contain(onA.RemoteToken!));
    }
}
