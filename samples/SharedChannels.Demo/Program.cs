// The two-workspace demo: two sample chat hosts (samples/SharedChannels.SampleHost) run in this process on
// 127.0.0.1, each with its own SQLite files. They connect through a password-protected invitation, share a channel
// and keep it in sync over HTTP, as two separate servers would.
//
//   dotnet run --project samples/SharedChannels.Demo
//
// Exits 0 when everything synced and looks as expected, 1 otherwise.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharedChannels;
using SharedChannels.Connections;
using SharedChannels.Samples;
using SharedChannels.Samples.Api;
using SharedChannels.Sharing;
using SharedChannels.Sync;

TimeSpan syncTimeout = TimeSpan.FromSeconds(20);
long startedAt = Stopwatch.GetTimestamp();
string dataDirectory = Path.Combine(Path.GetTempPath(), "sharedchannels-demo-" + Guid.NewGuid().ToString("N")[..8]);
int step = 0;
Workspace? a = null;
Workspace? b = null;

Console.WriteLine("SharedChannels demo: two chat workspaces connect and share a channel over HTTP.");
Console.WriteLine();
try
{
    a = await Workspace.StartAsync("A", Path.Combine(dataDirectory, "a"));
    b = await Workspace.StartAsync("B", Path.Combine(dataDirectory, "b"));
    Step($"Started workspace A at {a.Url.GetLeftPart(UriPartial.Authority)} and workspace B at {b.Url.GetLeftPart(UriPartial.Authority)}:");
    Detail($"two sample chat hosts, each with its own SQLite files, under {dataDirectory}.");

    UserView alice = await a.Chat.CreateUserAsync("alice", isAdmin: true);
    UserView johnA = await a.Chat.CreateUserAsync("john");
    UserView bob = await b.Chat.CreateUserAsync("bob", isAdmin: true);
    UserView johnB = await b.Chat.CreateUserAsync("john");
    await a.Chat.AddCustomEmojiAsync("party_parrot", alice.Id);
    Step("Created users: alice (admin) and john on A; bob (admin) and another john on B.");
    Detail("A also has a custom emoji, :party_parrot:, which B does not have.");

    ConnectionInvitation invitation = await a.Connections.CreateAsync(alice.Id, new CreateConnectionRequest { Name = "chat-b", DisplayName = "Chat B" });
    Step("On A, alice created a secure connection named \"chat-b\" and got its invitation:");
    Detail($"invitation code: {Shorten(invitation.InvitationCode)}");
    Detail("password:        generated; alice gives it to bob separately (say, by phone), never with the code.");

    RemoteConnection onB = await b.Connections.AcceptAsync(
        bob.Id,
        new AcceptInvitationRequest { Name = "chat-a", DisplayName = "Chat A", InvitationCode = invitation.InvitationCode, Password = invitation.Password });
    Step($"On B, bob accepted the invitation with the password, naming the connection \"chat-a\": {onB.State}.");
    Detail("B confirmed with A over HTTP, and both sides switched to fresh tokens.");

    ChannelView channel = await a.Chat.CreateChannelAsync("project-x", alice.Id, "Project X");
    string shareCommand = $"/share-channel invite --connectionID {invitation.Connection.Id}";
    CommandView shared = await a.Chat.RunCommandAsync(alice.Id, shareCommand, channel.Id);
    if (!shared.Succeeded)
    {
        throw new InvalidOperationException($"{shareCommand} failed: {shared.Markdown}");
    }

    Step("On A, alice created the channel #project-x and, in it, typed the slash command");
    Detail(shareCommand);
    Detail("which shared it with chat-b, read-write.");
    Detail("B created the channel with the same id; bob, the connection's admin on B, joined it.");

    // A 1×1 PNG as john's picture on A: it travels to B with john's first post.
    byte[] johnsPicture = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/eL9GtQAAAABJRU5ErkJggg==");
    await a.Chat.SetProfileImageAsync(johnA.Id, johnsPicture);
    PostView root = await a.Chat.PostAsync(channel.Id, johnA.Id, "Kick-off meeting at 3pm?");
    TimeSpan took = await WaitUntilAsync("A's post to reach B", async ct => (await b.Chat.GetPostsAsync(channel.Id, ct)).Any(p => p.Id == root.Id));
    Step("On A, john set a profile picture and posted \"Kick-off meeting at 3pm?\".");
    Detail($"It reached B in {Ms(took)}.");

    PostView reply = await b.Chat.PostAsync(channel.Id, johnB.Id, "Works for me!", rootId: root.Id);
    PostView oops = await b.Chat.PostAsync(channel.Id, bob.Id, "oops, wrong channel");
    took = await WaitUntilAsync("B's posts to reach A", async ct =>
        (await a.Chat.GetPostsAsync(channel.Id, ct)).Count(p => p.Id == reply.Id || p.Id == oops.Id) == 2);
    Step("On B, john replied in the thread (\"Works for me!\") and bob posted \"oops, wrong channel\".");
    Detail($"Both reached A in {Ms(took)}.");

    byte[] agenda = "1. Scope\n2. Timeline\n3. Owners\n"u8.ToArray();
    FileView agendaOnB = await b.Chat.UploadFileAsync(channel.Id, johnB.Id, "agenda.txt", agenda, "text/plain");
    PostView withFile = await b.Chat.PostAsync(channel.Id, johnB.Id, "Agenda attached.", rootId: root.Id, fileIds: [agendaOnB.Id]);
    took = await WaitUntilAsync("B's file to reach A", async ct => (await a.Chat.GetPostsAsync(channel.Id, ct)).Any(p => p.Id == withFile.Id && p.Files.Count == 1));
    Step("On B, john replied \"Agenda attached.\" with the file agenda.txt.");
    Detail($"The post and its file reached A in {Ms(took)} (the file first, as Mattermost sends them).");

    await a.Chat.EditPostAsync(root.Id, "Kick-off meeting at 4pm?");
    await a.Chat.AddReactionAsync(root.Id, alice.Id, "party_parrot");
    await b.Chat.DeletePostAsync(oops.Id);
    await b.Chat.AddReactionAsync(root.Id, bob.Id, "+1");
    Step("Then, on both sides at once:");
    Detail("on A, john edited his post to \"Kick-off meeting at 4pm?\" and alice reacted with :party_parrot:;");
    Detail("on B, bob deleted his post and reacted with :+1:.");

    string expected = $"{root.Id}:Kick-off meeting at 4pm?:+1,party_parrot | {reply.Id}:Works for me!: | {withFile.Id}:Agenda attached.:";
    took = await WaitUntilAsync("both sides to show the same channel", async ct =>
        Fingerprint(await a.Chat.GetPostsAsync(channel.Id, ct)) == expected && Fingerprint(await b.Chat.GetPostsAsync(channel.Id, ct)) == expected);
    Step($"Waited until both sides had synced: {Ms(took)}.");

    IReadOnlyList<PostView> postsOnA = await a.Chat.GetPostsAsync(channel.Id);
    IReadOnlyList<PostView> postsOnB = await b.Chat.GetPostsAsync(channel.Id);
    Step("What each side shows in #project-x (<name> = emoji image, :name: = text for an emoji the workspace lacks):");
    await ShowAsync(a, postsOnA);
    await ShowAsync(b, postsOnB);
    Console.WriteLine();

    FileView? agendaOnA = postsOnA.Single(p => p.Id == withFile.Id).Files.SingleOrDefault();
    byte[]? agendaBytesOnA = agendaOnA is null ? null : await a.Chat.DownloadFileAsync(agendaOnA.Id);
    byte[]? johnsPictureOnB = await b.Chat.GetProfileImageAsync(johnA.Id);
    PostView rootOnA = postsOnA.Single(p => p.Id == root.Id);
    PostView rootOnB = postsOnB.Single(p => p.Id == root.Id);
    var checks = new (string What, bool Passed)[]
    {
        ("A's john is \"john:chat-a\" on B, which has its own john", rootOnB.Username == "john:chat-a"),
        ("B's john is \"john:chat-b\" on A", postsOnA.Single(p => p.Id == reply.Id).Username == "john:chat-b"),
        ("the reply is in the thread on both sides", postsOnA.Single(p => p.Id == reply.Id).RootId == root.Id && postsOnB.Single(p => p.Id == reply.Id).RootId == root.Id),
        ("the edit reached B", rootOnB.Message == "Kick-off meeting at 4pm?" && rootOnB.EditAt is not null),
        ("the deleted post is gone on both sides", postsOnA.Concat(postsOnB).All(p => p.Id != oops.Id)),
        (":party_parrot: is an image on A and the text \":party_parrot:\" on B", Emoji(rootOnA, "party_parrot") is { FallbackText: null } && Emoji(rootOnB, "party_parrot") is { FallbackText: ":party_parrot:" }),
        ("the :+1: from B reached A", Emoji(rootOnA, "+1")?.Usernames.SequenceEqual(["bob"]) == true),
        ("B's agenda.txt is attached on A, byte for byte", agendaOnA is { Name: "agenda.txt", IsRemote: true } && agendaBytesOnA?.AsSpan().SequenceEqual(agenda) == true),
        ("A's john has his profile picture on B", johnsPictureOnB?.AsSpan().SequenceEqual(johnsPicture) == true),
    };
    Step("Checks:");
    foreach ((string what, bool passed) in checks)
    {
        Detail($"{(passed ? "ok  " : "FAIL")} {what}");
    }

    if (checks.Any(c => !c.Passed))
    {
        Console.Error.WriteLine("The demo failed: some checks did not pass (see above).");
        return 1;
    }

    Console.WriteLine();
    Console.WriteLine($"Done in {Stopwatch.GetElapsedTime(startedAt).TotalSeconds:0.0} s. The temporary folder is deleted on exit.");
    return 0;
}
catch (TimeoutException ex)
{
    Console.Error.WriteLine($"The demo failed: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is HttpRequestException or SharedChannelsException or IOException)
{
    Console.Error.WriteLine($"The demo failed at step {step + 1}: {ex.Message}");
    return 1;
}
finally
{
    if (b is not null)
    {
        await b.DisposeAsync();
    }

    if (a is not null)
    {
        await a.DisposeAsync();
    }

    try
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
    catch (DirectoryNotFoundException)
    {
        // Nothing was written.
    }
    catch (IOException ex)
    {
        Console.Error.WriteLine($"Could not delete {dataDirectory}: {ex.Message}");
    }
}

// Waits for the sync engines of both workspaces to be idle, then checks; again until the condition holds (a batch
// may be in flight between the two checks) or the timeout passes.
async Task<TimeSpan> WaitUntilAsync(string what, Func<CancellationToken, Task<bool>> condition)
{
    long start = Stopwatch.GetTimestamp();
    using var timeout = new CancellationTokenSource(syncTimeout);
    try
    {
        while (true)
        {
            await a!.Sync.WhenIdleAsync(timeout.Token);
            await b!.Sync.WhenIdleAsync(timeout.Token);
            if (await condition(timeout.Token))
            {
                return Stopwatch.GetElapsedTime(start);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }
    catch (OperationCanceledException) when (timeout.IsCancellationRequested)
    {
        throw new TimeoutException($"waited {syncTimeout.TotalSeconds:0} s for {what}, in vain. Run again; if it keeps failing, the logs above say why.");
    }
}

void Step(string text)
{
    Console.WriteLine($"{++step,2}. {text}");
}

static void Detail(string text) => Console.WriteLine($"    {text}");

static string Ms(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0} ms");

static string Shorten(string code) => $"{code[..16]}…{code[^8..]} ({code.Length} characters)";

static string Fingerprint(IEnumerable<PostView> posts) =>
    string.Join(" | ", posts.Select(p => $"{p.Id}:{p.Message}:{string.Join(',', p.Reactions.Select(r => r.EmojiName).Order(StringComparer.Ordinal))}"));

static ReactionView? Emoji(PostView post, string name) => post.Reactions.SingleOrDefault(r => r.EmojiName == name);

static async Task ShowAsync(Workspace workspace, IReadOnlyList<PostView> posts)
{
    IReadOnlyList<UserView> users = await workspace.Chat.ListUsersAsync();
    Console.WriteLine();
    Console.WriteLine($"    On {workspace.Name} ({workspace.Url.GetLeftPart(UriPartial.Authority)})");
    Console.WriteLine($"      users: {string.Join(", ", users.Select(u => u.Username + (u.IsRemote ? " (remote)" : string.Empty)))}");
    foreach (PostView post in posts)
    {
        string prefix = post.RootId.Length > 0 ? "        > " : "      ";
        Console.WriteLine($"{prefix}{post.Username}: {post.Message}{(post.EditAt is null ? string.Empty : " (edited)")}");
        if (post.Reactions.Count > 0)
        {
            IEnumerable<string> reactions = post.Reactions.Select(r => $"{r.FallbackText ?? $"<{r.EmojiName}>"} {string.Join(", ", r.Usernames)}");
            Console.WriteLine($"{new string(' ', prefix.Length)}  reactions: {string.Join("   ", reactions)}");
        }

        foreach (FileView file in post.Files)
        {
            Console.WriteLine($"{new string(' ', prefix.Length)}  file: {file.Name} ({file.Size} bytes{(file.IsRemote ? ", from the other workspace" : string.Empty)})");
        }
    }
}

/// <summary>One running sample host, with a client of its chat API and the SDK services the demo uses.</summary>
internal sealed class Workspace(string name, SampleHost host) : IAsyncDisposable
{
    public string Name { get; } = name;

    public Uri Url => host.Url;

    public ChatClient Chat { get; } = host.CreateClient();

    public SecureConnections Connections => host.Services.GetRequiredService<SecureConnections>();

    public ChannelSharing Sharing => host.Services.GetRequiredService<ChannelSharing>();

    public SharedChannelSync Sync => host.Services.GetRequiredService<SharedChannelSync>();

    public static async Task<Workspace> StartAsync(string name, string dataDirectory) =>
        new(name, await SampleHost.StartAsync(new SampleHostOptions { DataDirectory = dataDirectory, MinimumLogLevel = LogLevel.Warning }));

    public async ValueTask DisposeAsync()
    {
        Chat.Dispose();
        await host.DisposeAsync();
    }
}
