using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace SharedChannels.Scenarios;

/// <summary>
/// Wraps B's whole request pipeline (a startup filter runs before the application's own middleware), so that the posts
/// a request stored are stamped only once everything inside, the sample's commit included, is done.
/// </summary>
internal sealed class ArrivalProbeStartupFilter(ArrivalProbe probe) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            List<string> pending = probe.BeginRequest();
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                probe.EndRequest(pending);
            }
        });
        next(app);
    };
}
