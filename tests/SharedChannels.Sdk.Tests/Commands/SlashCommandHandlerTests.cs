using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SharedChannels.Commands;
using SharedChannels.Connections;
using SharedChannels.Content;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Commands;

/// <summary>
/// The product guide's slash commands, end to end on workspaces A, B (and C) on a loopback network: the admin of
/// A creates an invitation, the admin of B accepts it with the code A printed, A shares a channel.
/// </summary>
public sealed class SlashCommandHandlerTests
{
    private const string Channel = "town00000000000000000000aa";
    private const string Password = "examplepassword";
    private const string Nobody = "nobody000000000000000000aa";

    // PRODUCT-GUIDE.txt, verbatim.
    private const string GuideCreate = "/secure-connection create --name AcmeUS --displayname \u201CAcmeUSA\u201D --password examplepassword";
    private const string GuideAccept = "/secure-connection accept --name AcmeUS --displayname \u201CAcmeUSA\u201D --password examplepassword --invite [code-blob]";

    private static readonly CommandContext OnA = new() { ChannelId = Channel, TeamId = "team-a" };
    private static readonly CommandContext OnB = new() { ChannelId = Channel, TeamId = "team-b" };

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
        _a.Content.AddChannel(new ChannelInfo { Id = Channel, Name = "town-square", DisplayName = "Town Square", Type = ChannelType.Open, TeamId = "team-a" });
    }

    [TearDown]
    public async Task TearDown()
    {
        await TestWorkspace.SettleAsync(_a, _b);
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static Task<CommandResult> RunAsync(TestWorkspace workspace, string line, CommandContext context, string user = TestWorkspace.Admin) =>
        workspace.Services.GetRequiredService<SlashCommandHandler>().ExecuteAsync(user, line, context);

    private static async Task<T> SucceedsAsync<T>(TestWorkspace workspace, string line, CommandContext context)
    {
        CommandResult result = await RunAsync(workspace, line, context);
        Assert.That(result.Succeeded, Is.True, $"{line}\n{result.Markdown}");
        Assert.That(result, Is.InstanceOf<CommandResult<T>>());
        return ((CommandResult<T>)result).Data;
    }

    /// <summary>The guide's walkthrough up to a connection: create on A, accept on B with the code A printed.</summary>
    private async Task<(string ConnectionId, CommandResult Created, CommandResult Accepted)> ConnectAsync()
    {
        CommandResult created = await RunAsync(_a, GuideCreate, OnA);
        Assert.That(created.Succeeded, Is.True, created.Markdown);
        string code = CommandMarkdown.CodeBlocks(created.Markdown)[0];

        CommandResult accepted = await RunAsync(_b, GuideAccept.Replace("[code-blob]", code, StringComparison.Ordinal), OnB);
        Assert.That(accepted.Succeeded, Is.True, accepted.Markdown);
        return (((CommandResult<ConnectionInvitation>)created).Data.Connection.Id, created, accepted);
    }

    [Test]
    public async Task Create_GuideExample_PrintsTheCodeAndTheAcceptCommandButNotThePassword()
    {
        CommandResult result = await RunAsync(_a, GuideCreate, OnA);

        ConnectionInvitation invitation = ((CommandResult<ConnectionInvitation>)result).Data;
        IReadOnlyList<string> blocks = CommandMarkdown.CodeBlocks(result.Markdown);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(invitation.Connection.Name, Is.EqualTo("acmeus"));
            Assert.That(invitation.Connection.DisplayName, Is.EqualTo("AcmeUSA"));
            Assert.That(invitation.Connection.DefaultTeamId, Is.EqualTo("team-a"), "the destination team is the team the command ran in");
            Assert.That(invitation.Connection.State, Is.EqualTo(ConnectionState.Pending));
            Assert.That(blocks, Has.Count.EqualTo(2));
            Assert.That(blocks[0], Is.EqualTo(invitation.InvitationCode));
            Assert.That(blocks[1], Is.EqualTo($"/secure-connection accept --name acmeus --displayname AcmeUSA --password <the password you chose> --invite {invitation.InvitationCode}"));
            Assert.That(result.Markdown, Does.Contain("different channels"));
            Assert.That(result.Markdown, Does.Contain("until 2026-11-27 12:00:00 UTC"));
            Assert.That(result.Markdown, Does.Not.Contain(Password));
            Assert.That(_a.Logs.AllText, Does.Not.Contain(Password).And.Not.Contain(invitation.InvitationCode));
            Assert.That(result.ToString(), Does.Not.Contain(invitation.InvitationCode));
        }
    }

    [Test]
    public async Task Accept_GuideExampleWithThePrintedCode_ConnectsWithoutEchoingCodeOrPassword()
    {
        (string id, CommandResult created, CommandResult accepted) = await ConnectAsync();

        string code = CommandMarkdown.CodeBlocks(created.Markdown)[0];
        RemoteConnection onB = ((CommandResult<RemoteConnection>)accepted).Data;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onB.Id, Is.EqualTo(id));
            Assert.That(onB.Name, Is.EqualTo("acmeus"));
            Assert.That(onB.DisplayName, Is.EqualTo("AcmeUSA"));
            Assert.That(onB.SiteUrl, Is.EqualTo(_a.SiteUrl));
            Assert.That(onB.DefaultTeamId, Is.EqualTo("team-b"));
            Assert.That(onB.State, Is.EqualTo(ConnectionState.Connected));
            Assert.That(accepted.Markdown, Does.Contain(id).And.Contain("AcmeUSA").And.Contain(_a.SiteUrl));
            Assert.That(accepted.Markdown, Does.Not.Contain(Password).And.Not.Contain(code));
            Assert.That(_b.Logs.AllText, Does.Not.Contain(Password).And.Not.Contain(code));
        }
    }

    [Test]
    public async Task Accept_TheAcceptCommandPrintedByCreateWithThePasswordFilledIn_Connects()
    {
        CommandResult created = await RunAsync(_a, "/secure-connection create --name partner --displayname \"Partner Org\" --password \u201Ctwo words\u201D", OnA);
        string command = CommandMarkdown.CodeBlocks(created.Markdown)[1].Replace("<the password you chose>", "\"two words\"", StringComparison.Ordinal);

        RemoteConnection connection = await SucceedsAsync<RemoteConnection>(_b, command, OnB);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(connection.Name, Is.EqualTo("partner"));
            Assert.That(connection.DisplayName, Is.EqualTo("Partner Org"));
            Assert.That(created.Markdown, Does.Not.Contain("two words"));
        }
    }

    [Test]
    public async Task Create_WithoutPassword_ShowsTheGeneratedPasswordOnceAndItOpensTheCode()
    {
        ConnectionInvitation invitation = await SucceedsAsync<ConnectionInvitation>(_a, "/secure-connection create --name partner", OnA);
        CommandResult created = await RunAsync(_a, "/secure-connection status", OnA);
        Assert.That(created.Succeeded, Is.True);

        CommandResult again = await RunAsync(_a, "/secure-connection create --name partner2", OnA);
        ConnectionInvitation second = ((CommandResult<ConnectionInvitation>)again).Data;
        string markdown = again.Markdown;
        string accept = CommandMarkdown.CodeBlocks(markdown)[1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Password, Has.Length.GreaterThanOrEqualTo(16));
            Assert.That(markdown.Split(second.Password).Length - 1, Is.EqualTo(1), "the generated password is shown exactly once");
            Assert.That(markdown, Does.Contain("shown only this once"));
            Assert.That(accept, Does.Contain("--password <the generated password>"));
            Assert.That(invitation.Connection.DisplayName, Is.EqualTo("partner"), "the display name defaults to the name");
            Assert.That(accept, Does.Not.Contain("--displayname"));
        }

        RemoteConnection connection = await SucceedsAsync<RemoteConnection>(_b, accept.Replace("<the generated password>", second.Password, StringComparison.Ordinal), OnB);
        Assert.That(connection.Id, Is.EqualTo(second.Connection.Id));
    }

    [Test]
    public async Task Accept_CodeInBracketsAsTheGuideWritesIt_Connects()
    {
        CommandResult created = await RunAsync(_a, GuideCreate, OnA);
        string code = CommandMarkdown.CodeBlocks(created.Markdown)[0];

        CommandResult accepted = await RunAsync(_b, GuideAccept.Replace("code-blob", code, StringComparison.Ordinal), OnB);

        Assert.That(accepted.Succeeded, Is.True, accepted.Markdown);
    }

    [Test]
    public async Task Accept_WrongPassword_FailsWithoutEchoingCodeOrPassword()
    {
        CommandResult created = await RunAsync(_a, GuideCreate, OnA);
        string code = CommandMarkdown.CodeBlocks(created.Markdown)[0];

        CommandResult accepted = await RunAsync(_b, $"/secure-connection accept --name AcmeUS --password wrong-password --invite {code}", OnB);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted.Succeeded, Is.False);
            Assert.That(accepted.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidInvitation));
            Assert.That(accepted.Markdown, Does.Contain("password is wrong"));
            Assert.That(accepted.Markdown, Does.Not.Contain("wrong-password").And.Not.Contain(code));
            Assert.That(_b.Logs.AllText, Does.Not.Contain("wrong-password").And.Not.Contain(code));
        }
    }

    [Test]
    public async Task SecureConnectionStatus_AfterAccept_ListsTheConnectionOnBothSides()
    {
        (string id, _, _) = await ConnectAsync();

        CommandResult onA = await RunAsync(_a, "/secure-connection status", OnA);
        CommandResult onB = await RunAsync(_b, "/secure-connection status", OnB);

        string[] rowA = CommandMarkdown.Row(onA.Markdown, $"`{id}`");
        string[] rowB = CommandMarkdown.Row(onB.Markdown, $"`{id}`");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(onA.Markdown, Does.Contain("| Name | Display name | Connection ID | URL | Default team | Invite accepted | Online | Last ping (UTC) | Deleted |"));
            Assert.That(rowA, Is.EqualTo(new[] { "acmeus", "AcmeUSA", $"`{id}`", "`https://b.test`", "`team-a`", "Yes", "Yes", "2026-11-25 12:00:00 UTC", "No" }));
            Assert.That(rowB, Is.EqualTo(new[] { "acmeus", "AcmeUSA", $"`{id}`", "`https://a.test`", "`team-b`", "Yes", "Yes", "2026-11-25 12:00:00 UTC", "No" }));
            Assert.That(((CommandResult<IReadOnlyList<RemoteConnection>>)onA).Data.Select(c => c.Id), Is.EqualTo(new[] { id }));
        }
    }

    [Test]
    public async Task SecureConnectionStatus_PendingAndOffline_ShowWhatTheAdminNeeds()
    {
        await RunAsync(_a, "/secure-connection create --name pending --password pw", OnA);
        (string id, _, _) = await ConnectAsync();
        _time.Advance(TimeSpan.FromHours(1));

        CommandResult status = await RunAsync(_a, "/secure-connection status", OnA);

        string[] pending = CommandMarkdown.Row(status.Markdown, "pending");
        string[] offline = CommandMarkdown.Row(status.Markdown, $"`{id}`");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(pending[3..], Is.EqualTo(new[] { "pending", "`team-a`", "No", "No", "never", "No" }));
            Assert.That(offline[5..], Is.EqualTo(new[] { "Yes", "No", "2026-11-25 12:00:00 UTC", "No" }), "no ping for an hour: offline");
        }
    }

    [Test]
    public async Task SecureConnectionStatus_NoConnections_SaysHowToCreateOne()
    {
        IReadOnlyList<RemoteConnection> data = await SucceedsAsync<IReadOnlyList<RemoteConnection>>(_a, "/secure-connection status", OnA);
        CommandResult result = await RunAsync(_a, "/secure-connection status", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data, Is.Empty);
            Assert.That(result.Markdown, Does.Contain("There are no secure connections").And.Contain("/secure-connection create"));
        }
    }

    [Test]
    public async Task ShareChannelInvite_ReadOnlyAsInTheGuide_SharesTheChannelReadOnlyIntoTheDestinationTeam()
    {
        (string id, _, _) = await ConnectAsync();

        SharedChannelRemote remote = await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {id} --readonly", OnA);
        await TestWorkspace.SettleAsync(_a, _b);

        CommandResult statusA = await RunAsync(_a, "/share-channel status", OnA);
        CommandResult statusB = await RunAsync(_b, "/share-channel status", OnB);
        ChannelInfo? onB = await _b.Content.GetChannelAsync(Channel);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(remote.ReadOnly, Is.True);
            Assert.That(remote.InvitationAccepted, Is.True);
            Assert.That(onB?.TeamId, Is.EqualTo("team-b"), "added to the destination team chosen on accept");
            Assert.That(statusA.Markdown, Does.Contain("This channel is shared with"));
            Assert.That(statusA.Markdown, Does.Contain("| Connection | Connection ID | URL | Read-only | Invite accepted | Online | Last sync (UTC) |"));
            Assert.That(CommandMarkdown.Row(statusA.Markdown, $"`{id}`")[..6], Is.EqualTo(new[] { "AcmeUSA", $"`{id}`", "`https://b.test`", "Yes", "Yes", "Yes" }));
            Assert.That(statusB.Markdown, Does.Contain("shared from another workspace"));
            Assert.That(CommandMarkdown.Row(statusB.Markdown, $"`{id}`")[..6], Is.EqualTo(new[] { "AcmeUSA", $"`{id}`", "`https://a.test`", "Yes", "Yes", "Yes" }));
        }
    }

    [Test]
    public async Task ShareChannelInvite_AgainWithoutReadOnly_MakesTheReadOnlyChannelAParticipationChannel()
    {
        (string id, _, _) = await ConnectAsync();
        await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {id} --readonly", OnA);

        SharedChannelRemote remote = await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {id}", OnA);
        await TestWorkspace.SettleAsync(_a, _b);

        CommandResult statusA = await RunAsync(_a, "/share-channel status", OnA);
        CommandResult statusB = await RunAsync(_b, "/share-channel status", OnB);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(remote.ReadOnly, Is.False);
            Assert.That(CommandMarkdown.Row(statusA.Markdown, $"`{id}`")[3], Is.EqualTo("No"));
            Assert.That(CommandMarkdown.Row(statusB.Markdown, $"`{id}`")[3], Is.EqualTo("No"));
        }
    }

    [Test]
    public async Task ShareChannelInvite_GuideTipUninviteThenInviteWithoutReadOnly_MakesItAParticipationChannel()
    {
        (string id, _, _) = await ConnectAsync();
        await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {id} --readonly", OnA);

        CommandResult uninvited = await RunAsync(_a, $"/share-channel uninvite --connectionID {id}", OnA);
        SharedChannelRemote remote = await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {id}", OnA);
        await TestWorkspace.SettleAsync(_a, _b);

        CommandResult status = await RunAsync(_a, "/share-channel status", OnA);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(uninvited.Succeeded, Is.True, uninvited.Markdown);
            Assert.That(uninvited.Markdown, Does.Contain("no longer shared with secure connection"));
            Assert.That(remote.ReadOnly, Is.False);
            Assert.That(CommandMarkdown.Row(status.Markdown, $"`{id}`")[3], Is.EqualTo("No"));
        }
    }

    [Test]
    public async Task ShareChannelUnshare_GuideExample_StopsSharingAndPostsASystemMessage()
    {
        (string id, _, _) = await ConnectAsync();
        await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {id}", OnA);

        CommandResult unshared = await RunAsync(_a, "/share-channel unshare", OnA);
        CommandResult status = await RunAsync(_a, "/share-channel status", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unshared.Succeeded, Is.True, unshared.Markdown);
            Assert.That(unshared.Markdown, Does.Contain("no longer shared"));
            Assert.That(_a.Content.GetSystemMessages(Channel), Does.Contain("This channel is no longer shared."));
            Assert.That(status.Succeeded, Is.False);
            Assert.That(status.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.NotFound));
            Assert.That(status.Markdown, Does.Contain("is not shared"));
        }
    }

    [Test]
    public async Task SecureConnectionRemove_GuideExample_DeletesTheConnectionAndStatusShowsItDeleted()
    {
        (string id, _, _) = await ConnectAsync();
        await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {id}", OnA);
        await TestWorkspace.SettleAsync(_a, _b);

        RemoteConnection removed = await SucceedsAsync<RemoteConnection>(_a, $"/secure-connection remove --connectionID {id}", OnA);
        await TestWorkspace.SettleAsync(_a, _b);
        CommandResult status = await RunAsync(_a, "/secure-connection status", OnA);
        CommandResult channelStatus = await RunAsync(_a, "/share-channel status", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(removed.State, Is.EqualTo(ConnectionState.Deleted));
            Assert.That(CommandMarkdown.Row(status.Markdown, $"`{id}`")[^1], Is.EqualTo("Yes (2026-11-25 12:00:00 UTC)"));
            Assert.That(channelStatus.Markdown, Does.Not.Contain(id), "removed from every shared channel");
        }
    }

    [Test]
    public async Task SecureConnectionUpdate_SiteUrl_PeerIsReachedAtTheNewAddress()
    {
        (string id, _, _) = await ConnectAsync();
        _network.Detach(_b.SiteUrl);
        _network.Attach("https://b-moved.test", () => _b.Dispatcher);

        RemoteConnection updated = await SucceedsAsync<RemoteConnection>(_a, $"/secure-connection update --connectionID {id} --siteurl https://b-moved.test/", OnA);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _a.Monitor.PingAllAsync();
        CommandResult status = await RunAsync(_a, "/secure-connection status", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(updated.SiteUrl, Is.EqualTo("https://b-moved.test"));
            Assert.That(CommandMarkdown.Row(status.Markdown, $"`{id}`")[3], Is.EqualTo("`https://b-moved.test`"));
            Assert.That((await _a.RecordAsync(id)).LastPingAt, Is.EqualTo(_time.GetUtcNow()));
        }
    }

    [TestCase("--siteurl ftp://b-moved.test", SharedChannelsErrorCode.InvalidArgument, "absolute http or https URL")]
    [TestCase("", SharedChannelsErrorCode.InvalidArgument, "Give --displayname and/or --siteurl")]
    public async Task SecureConnectionUpdate_NothingValidToChange_RefusesAndChangesNothing(string options, SharedChannelsErrorCode code, string message)
    {
        (string id, _, _) = await ConnectAsync();

        CommandResult result = await RunAsync(_a, $"/secure-connection update --connectionID {id} {options}", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(code));
            Assert.That(result.Markdown, Does.Contain(message));
            Assert.That((await _a.RecordAsync(id)).SiteUrl, Is.EqualTo(_b.SiteUrl));
        }
    }

    [Test]
    public async Task SecureConnectionRemove_UnknownId_SaysSoAndHowToListThem()
    {
        CommandResult result = await RunAsync(_a, "/secure-connection remove --connectionID nosuchconnection", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.NotFound));
            Assert.That(result.Markdown, Does.Contain("There is no secure connection with id 'nosuchconnection'"));
        }
    }

    [Test]
    public async Task ShareChannel_ThreeWorkspaces_StatusListsEachConnectionWithItsMode()
    {
        await using TestWorkspace c = await TestWorkspace.StartAsync("c", _network, _time);
        (string toB, _, _) = await ConnectAsync();
        CommandResult createdForC = await RunAsync(_a, "/secure-connection create --name c.org --displayname \"C Org\" --password pw-c", OnA);
        string acceptOnC = CommandMarkdown.CodeBlocks(createdForC.Markdown)[1].Replace("<the password you chose>", "pw-c", StringComparison.Ordinal);
        string toC = (await SucceedsAsync<RemoteConnection>(c, acceptOnC, new CommandContext { TeamId = "team-c" })).Id;

        await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionid {toB} --readonly", OnA);
        await SucceedsAsync<SharedChannelRemote>(_a, $"/share-channel invite --connectionID {toC}", OnA);
        await TestWorkspace.SettleAsync(_a, _b, c);

        CommandResult status = await RunAsync(_a, "/share-channel status", OnA);
        CommandResult connections = await RunAsync(_a, "/secure-connection status", OnA);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CommandMarkdown.TableRows(status.Markdown), Has.Count.EqualTo(2));
            Assert.That(CommandMarkdown.Row(status.Markdown, $"`{toB}`")[3], Is.EqualTo("Yes"));
            Assert.That(CommandMarkdown.Row(status.Markdown, $"`{toC}`")[..4], Is.EqualTo(new[] { "C Org", $"`{toC}`", "`https://c.test`", "No" }));
            Assert.That(CommandMarkdown.TableRows(connections.Markdown).Select(r => r[0]), Is.EquivalentTo(new[] { "acmeus", "c.org" }));
            Assert.That(c.Content.HasChannel(Channel), Is.True);
            Assert.That(_b.Content.HasChannel(Channel), Is.True);
        }

        await TestWorkspace.SettleAsync(_a, _b, c);
    }

    [Test]
    public async Task Commands_UserWithoutPermission_AreDeniedNamingThePermissionAndChangeNothing()
    {
        CommandResult create = await RunAsync(_a, "/secure-connection create --name acme --password pw", OnA, Nobody);
        CommandResult status = await RunAsync(_a, "/secure-connection status", OnA, Nobody);
        CommandResult share = await RunAsync(_a, "/share-channel invite --connectionID abc", OnA, Nobody);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(create.Succeeded, Is.False);
            Assert.That(create.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.PermissionDenied));
            Assert.That(create.Markdown, Does.Contain("does not have the ManageSecureConnections permission"));
            Assert.That(status.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.PermissionDenied));
            Assert.That(share.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.PermissionDenied));
            Assert.That(share.Markdown, Does.Contain("ManageSharedChannels"));
            Assert.That(await _a.Connections.ListAsync(TestWorkspace.Admin, includeDeleted: true), Is.Empty);
        }
    }

    [Test]
    public async Task Commands_UserWithOnlyManageSharedChannels_MayUseShareChannelButNotSecureConnection()
    {
        (string id, _, _) = await ConnectAsync();
        _a.Permissions.Grant(Nobody, SharedChannelsPermission.ManageSharedChannels);

        CommandResult invite = await RunAsync(_a, $"/share-channel invite --connectionID {id}", OnA, Nobody);
        CommandResult status = await RunAsync(_a, "/secure-connection status", OnA, Nobody);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(invite.Succeeded, Is.True, invite.Markdown);
            Assert.That(status.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.PermissionDenied));
        }
    }

    [TestCase("/share-channel status")]
    [TestCase("/share-channel invite --connectionID abc --readonly")]
    [TestCase("/share-channel unshare")]
    public async Task ShareChannel_SharedChannelsDisabled_AnswersWhichSettingTurnsThemOn(string line)
    {
        await using TestWorkspace off = await TestWorkspace.StartAsync("off", _network, _time, o => o.EnableSharedChannels = false);

        CommandResult result = await RunAsync(off, line, OnA);
        CommandResult secure = await RunAsync(off, "/secure-connection status", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.FeatureDisabled));
            Assert.That(result.Markdown, Is.EqualTo("Shared channels are disabled. Set SharedChannelsOptions.EnableSharedChannels to true to turn them on."));
            Assert.That(secure.Succeeded, Is.True, "secure connections stay available");
        }
    }

    [TestCase("/secure-connection status")]
    [TestCase("/secure-connection create --name acme --password pw")]
    [TestCase("/secure-connection help")]
    [TestCase("/share-channel status")]
    public async Task Commands_RemoteClusterServiceDisabled_AnswerWhichSettingTurnsItOn(string line)
    {
        await using TestWorkspace off = await TestWorkspace.StartAsync("off", _network, _time, o =>
        {
            o.EnableRemoteClusterService = false;
            o.EnableSharedChannels = false;
        });

        CommandResult result = await RunAsync(off, line, OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.FeatureDisabled));
            Assert.That(result.Markdown, Does.Contain("Set SharedChannelsOptions.EnableRemoteClusterService to true"));
        }
    }

    [TestCase("/secure-connection create --displayname x", "--name is required.", "`/secure-connection create --name <name> [--displayname <display name>] [--password <password>]`")]
    [TestCase("/secure-connection create --name a --name b --password x", "--name is given more than once.", "`/secure-connection create --name")]
    [TestCase("/secure-connection create --name a --pasword x", "Unknown option `--pasword` for /secure-connection create.", "`/secure-connection create --name")]
    [TestCase("/secure-connection create --name \u201Cacme --password x", "The quote \u201C at character 34 is never closed.", "`/secure-connection create --name")]
    [TestCase("/share-channel invite --connectionID", "--connectionID needs a value", "`/share-channel invite --connectionID <connection id> [--readonly]`")]
    [TestCase("/share-channel invite --connectionID abc --readonly maybe", "--readonly takes no value, or one of Y, N, yes, no, true, false.", "`/share-channel invite --connectionID")]
    [TestCase("/secure-connection frobnicate", "Unknown subcommand `frobnicate` for /secure-connection.", "- `/secure-connection remove --connectionID <connection id>`")]
    [TestCase("/share-channel", "/share-channel needs a subcommand.", "- `/share-channel unshare`")]
    [TestCase("/giphy cats", "`/giphy` is not a shared channels command.", "- `/share-channel status`")]
    public async Task Commands_BadSyntax_AnswerWhatIsWrongAndTheUsageAndDoNothing(string line, string error, string usage)
    {
        CommandResult result = await RunAsync(_a, line, OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
            Assert.That(result.Markdown, Does.StartWith(error));
            Assert.That(result.Markdown, Does.Contain(usage));
            Assert.That(result.Markdown, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(await _a.Connections.ListAsync(TestWorkspace.Admin, includeDeleted: true), Is.Empty);
        }
    }

    [Test]
    public async Task Create_InvalidName_AnswersTheRuleForNames()
    {
        CommandResult result = await RunAsync(_a, "/secure-connection create --name \"acme us\" --password pw", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
            Assert.That(result.Markdown, Does.Contain("letters, digits, '.', '_' and '-'"));
        }
    }

    [Test]
    public async Task Create_PasswordWithUnquotedSpaces_AsksForQuotesWithoutEchoingIt()
    {
        CommandResult result = await RunAsync(_a, "/secure-connection create --name acme --password correct horse", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Markdown, Does.Contain("Put a value that contains spaces in quotes"));
            Assert.That(result.Markdown, Does.Not.Contain("correct").And.Not.Contain("horse"));
        }
    }

    [Test]
    public async Task Accept_SomethingThatIsNotACode_FailsWithoutEchoingIt()
    {
        CommandResult result = await RunAsync(_b, "/secure-connection accept --name acme --password hunter2 --invite not!a!code", OnB);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidInvitation));
            Assert.That(result.Markdown, Does.Contain("not an invitation code"));
            Assert.That(result.Markdown, Does.Not.Contain("hunter2").And.Not.Contain("not!a!code"));
            Assert.That(_b.Logs.AllText, Does.Not.Contain("hunter2").And.Not.Contain("not!a!code"));
        }
    }

    [TestCase("/share-channel status")]
    [TestCase("/share-channel unshare")]
    [TestCase("/share-channel invite --connectionID abc")]
    public async Task ShareChannel_NoChannelInTheContext_SaysToRunItInTheChannel(string line)
    {
        CommandResult result = await RunAsync(_a, line, new CommandContext { TeamId = "team-a" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidArgument));
            Assert.That(result.Markdown, Does.Contain("Run it in the channel to share"));
        }
    }

    [Test]
    public async Task ShareChannelInvite_PendingConnection_ExplainsItIsNotAcceptedYet()
    {
        ConnectionInvitation pending = await SucceedsAsync<ConnectionInvitation>(_a, "/secure-connection create --name acme --password pw", OnA);

        CommandResult result = await RunAsync(_a, $"/share-channel invite --connectionID {pending.Connection.Id}", OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.InvalidState));
            Assert.That(result.Markdown, Does.Contain("still pending"));
        }
    }

    [TestCase("/secure-connection help", "/secure-connection accept --name <name> [--displayname <display name>] --password <password> --invite <invitation code>")]
    [TestCase("/share-channel help", "/share-channel invite --connectionID <connection id> [--readonly]")]
    public async Task Help_ListsEveryUsage(string line, string usage)
    {
        CommandResult result = await RunAsync(_a, line, OnA);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(result.Markdown, Does.Contain($"`{usage}`"));
        }
    }

    [Test]
    public async Task Status_DisplayNameWithMarkup_CannotBreakTheTable()
    {
        await RunAsync(_a, "/secure-connection create --name acme --displayname \"Evil | Co [x](http://e) `y`\" --password pw", OnA);

        CommandResult status = await RunAsync(_a, "/secure-connection status", OnA);

        string[] row = CommandMarkdown.Row(status.Markdown, "acme");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(row, Has.Length.EqualTo(9));
            Assert.That(row[1], Is.EqualTo("Evil \\| Co \\[x\\]\\(http\\://e\\) \\`y\\`"));
        }
    }

    [Test]
    public async Task ExecuteAsync_ServiceFailsUnexpectedly_AnswersWithoutDetailsAndLogsTheError()
    {
        var checker = new Mock<IPermissionChecker>(MockBehavior.Strict);
        checker.Setup(c => c.HasPermissionAsync(It.IsAny<string>(), It.IsAny<SharedChannelsPermission>(), It.IsAny<CancellationToken>()))
            .Returns((string _, SharedChannelsPermission _, CancellationToken token) =>
            {
                token.ThrowIfCancellationRequested();
                throw new InvalidOperationException("the role store is down");
            });
        await using TestWorkspace broken = await TestWorkspace.StartAsync("broken", _network, _time, services: s => s.AddSingleton(checker.Object));
        SlashCommandHandler handler = broken.Services.GetRequiredService<SlashCommandHandler>();

        CommandResult result = await handler.ExecuteAsync(TestWorkspace.Admin, "/secure-connection create --name acme --password hunter2", OnA);
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(SharedChannelsErrorCode.Unknown));
            Assert.That(result.Markdown, Is.EqualTo("The command failed unexpectedly. The details are in the server log."));
            Assert.That(broken.Logs.Lines, Has.Some.Contains("[1701] /secure-connection create failed unexpectedly").And.Contains("the role store is down"));
            Assert.That(broken.Logs.AllText, Does.Not.Contain("hunter2"));
            Assert.That(() => handler.ExecuteAsync(TestWorkspace.Admin, "/secure-connection status", OnA, canceled.Token), Throws.InstanceOf<OperationCanceledException>());
        }
    }

    [Test]
    public void AddSharedChannels_CalledTwice_RegistersOneHandlerSingleton()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSharedChannels(o => o.SiteUrl = "https://x.test")
            .UseLoopbackTransport(new LoopbackNetwork())
            .UsePermissionChecker(new InMemoryPermissionChecker())
            .UseInMemoryContent(new InMemoryChatContent());
        services.AddSharedChannels();
        using ServiceProvider provider = services.BuildServiceProvider();
        SlashCommandHandler first = provider.GetRequiredService<SlashCommandHandler>();
        SlashCommandHandler second = provider.GetRequiredService<SlashCommandHandler>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(SlashCommandHandler)), Is.EqualTo(1));
            Assert.That(second, Is.SameAs(first));
        }
    }

    [Test]
    public void ExecuteAsync_NullArguments_Throw()
    {
        SlashCommandHandler handler = _a.Services.GetRequiredService<SlashCommandHandler>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => handler.ExecuteAsync(" ", "/secure-connection status", OnA), Throws.ArgumentException);
            Assert.That(() => handler.ExecuteAsync(TestWorkspace.Admin, null!, OnA), Throws.ArgumentNullException);
            Assert.That(() => handler.ExecuteAsync(TestWorkspace.Admin, "/secure-connection status", null!), Throws.ArgumentNullException);
        }
    }
}
