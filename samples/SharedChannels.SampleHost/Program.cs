// Runs one sample chat host on its own:
//
//   dotnet run --project samples/SharedChannels.SampleHost -- --urls http://127.0.0.1:5080 [--data ./data/5080]
//
// Start a second one on another port, then connect them through the admin API (see docs/getting-started.md).
using System.Globalization;
using SharedChannels.Samples;

IConfiguration arguments = new ConfigurationBuilder().AddCommandLine(args).Build();
var url = new Uri((arguments["urls"] ?? "http://127.0.0.1:5080").Split(';')[0]);
var options = new SampleHostOptions
{
    Url = url,
    DataDirectory = arguments["data"] ?? Path.Combine("data", url.Port.ToString(CultureInfo.InvariantCulture)),
};

WebApplication app = await SampleHost.CreateApplicationAsync(options);
Console.WriteLine($"Sample chat host at {url}, data in {Path.GetFullPath(options.DataDirectory)}");
await app.RunAsync();
