using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Identity;
using SharedChannels.Testing;

namespace SharedChannels.Http.Tests.Builder;

public sealed class SharedChannelsEndpointRouteBuilderExtensionsTests
{
    [Test]
    public async Task MapSharedChannels_WithoutAddSharedChannels_ThrowsNamingTheFix()
    {
        await using WebApplication app = WebApplication.CreateSlimBuilder().Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapSharedChannels());

        Assert.That(ex!.Message, Does.Contain("AddSharedChannels"));
    }

    [Test]
    public async Task MapSharedChannels_ConventionsOnReturnedBuilder_ApplyToAllFivePostEndpoints()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSharedChannels().UseHttpTransport().UsePermissionChecker(new InMemoryPermissionChecker());
        await using WebApplication app = builder.Build();
        var marker = new object();

        app.MapSharedChannels().WithMetadata(marker);

        RouteEndpoint[] endpoints = [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                endpoints.Select(e => e.RoutePattern.RawText),
                Is.EquivalentTo(new[]
                {
                    "/api/v4/remotecluster/ping",
                    "/api/v4/remotecluster/msg",
                    "/api/v4/remotecluster/confirm_invite",
                    "/api/v4/remotecluster/upload/{upload_id}",
                    "/api/v4/remotecluster/{user_id:length(26)}/image",
                }));
            Assert.That(endpoints, Has.All.Matches<RouteEndpoint>(e => e.Metadata.Contains(marker)));
            Assert.That(endpoints, Has.All.Matches<RouteEndpoint>(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.SequenceEqual(new[] { "POST" })));
        }
    }
}
