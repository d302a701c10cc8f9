// Runs one sample chat host on its own:
//
//   dotnet run --project samples/SharedChannels.SampleHost -- --urls http://127.0.0.1:5080 [--data ./data/5080]
//       [--username-policy AlwaysSuffix|SuffixOnCollision]
//
// --username-policy: how users of other workspaces are named here. AlwaysSuffix names every remote user
// john:chat-a, as Mattermost does; SuffixOnCollision (the SDK's default) keeps john unless this workspace has one.
//
// Start a second one on another port, then connect them through the admin API (see docs/getting-started.md).
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
        return 2;
    }

    policy = parsed;
}

var options = new SampleHostOptions
{
    Url = url,
    DataDirectory = arguments["data"] ?? Path.Combine("data", url.Port.ToString(CultureInfo.InvariantCulture)),
    UsernameCollisionPolicy = policy,
};

WebApplication app = await SampleHost.CreateApplicationAsync(options);
Console.WriteLine($"Sample chat host at {url}, data in {Path.GetFullPath(options.DataDirectory)}");
await app.RunAsync();
return 0;
