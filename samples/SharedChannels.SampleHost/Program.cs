// Runs one sample chat host on its own:
//
//   dotnet run --project samples/SharedChannels.SampleHost -- --urls http://127.0.0.1:5080 [--data ./data/5080]
//       [--username-policy AlwaysSuffix|SuffixOnCollision]
//
// --username-policy: how users of other workspaces are named here. AlwaysSuffix names every remote user
// john:chat-a, as Mattermost does; SuffixOnCollision (the SDK's default) keeps john unless this workspace has one.
//
// Start a second one on another port, then connect them through the admin API (see docs/getting-started.md).
//
// Exit codes: 0 after a normal shutdown (Ctrl+C); 2 when an argument is wrong or the data folder cannot be used
// (it cannot be created or written, or a database in it cannot be opened), with one line on stderr saying what to fix.
using System.Globalization;
using SharedChannels.Identity;
using SharedChannels.Samples;

IConfiguration arguments = new ConfigurationBuilder().AddCommandLine(args).Build();
var url = new Uri((arguments["urls"] ?? "http://127.0.0.1:5080").Split(';')[0]);
UsernameCollisionPolicy? policy = null;
if (arguments["username-policy"] is { } policyName)
{
    if (!Enum.TryParse(policyName, ignoreCase: true, out UsernameCollisionPolicy parsed) || !Enum.IsDefined(parsed))
    {
        Console.Error.WriteLine($"--username-policy '{policyName}' is not a policy: use AlwaysSuffix or SuffixOnCollision.");
        return ExitCodes.ConfigurationError;
    }

    policy = parsed;
}

var options = new SampleHostOptions
{
    Url = url,
    DataDirectory = arguments["data"] ?? Path.Combine("data", url.Port.ToString(CultureInfo.InvariantCulture)),
    UsernameCollisionPolicy = policy,
};

WebApplication app;
try
{
    app = await SampleHost.CreateApplicationAsync(options);
}
catch (SampleHostStorageException ex)
{
    // What to fix, without a stack trace: the folder is the operator's to fix, not a bug.
    Console.Error.WriteLine(ex.Message);
    return ExitCodes.ConfigurationError;
}

Console.WriteLine($"Sample chat host at {url}, data in {Path.GetFullPath(options.DataDirectory)}");
await app.RunAsync();
return 0;

/// <summary>The process's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>An argument is wrong or the data folder cannot be used; stderr says which.</summary>
    public const int ConfigurationError = 2;
}
