using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Streaming.Gateway.Tests.Browser;

/// <summary>
/// A web shop's page on its own loopback origin (another port than the gateway, so every call is
/// cross-origin): it loads analytics.js from <c>/analytics-next/bundles/</c>, points its Segment.io
/// destination at the gateway with <c>credentials: 'include'</c>, and records every request the
/// SDK makes (status, Retry-After as a script reads it, X-Retry-Count) in <c>window.requests</c>.
/// The page's events are sent when the test calls <c>window.go()</c>, after <c>window.sdkReady</c>.
/// </summary>
public sealed class ShopPage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ShopPage(WebApplication app) => _app = app;

    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/shop.html");

    public static async Task<ShopPage> StartAsync(string bundles, Uri gateway, string writeKey, string script)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var html = Html(gateway, writeKey, script);
        app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? "";
            const string prefix = "/analytics-next/bundles/";
            if (path == "/shop.html")
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(html);
            }
            else if (path.StartsWith(prefix, StringComparison.Ordinal) && Path.GetFileName(path) is { Length: > 0 } file
                && file == path[prefix.Length..] && File.Exists(Path.Combine(bundles, file)))
            {
                context.Response.ContentType = "text/javascript";
                await context.Response.SendFileAsync(Path.Combine(bundles, file));
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        await app.StartAsync();
        return new ShopPage(app);
    }

    private static string Html(Uri gateway, string writeKey, string script) => $$"""
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Shop</title>
        <script>
          window.requests = [];
          window.sdkErrors = [];
          const realFetch = window.fetch.bind(window);
          window.fetch = async (url, init) => {
            const headers = new Headers((init && init.headers) || {});
            const entry = { url: String(url), retryCount: headers.get('X-Retry-Count'), credentials: init && init.credentials };
            try {
              const response = await realFetch(url, init);
              entry.status = response.status;
              entry.retryAfter = response.headers.get('Retry-After');
              return response;
            } catch (error) {
              entry.error = String(error);
              throw error;
            } finally {
              window.requests.push(entry);
            }
          };
          // analytics.js loads its lazy chunks from <cdn>/analytics-next/bundles/: this page's origin.
          window.analytics = { _cdn: location.origin };
        </script>
        <script src="/analytics-next/bundles/index.js"></script>
        </head><body><h1>Shop</h1>
        <script>
          const writeKey = '{{writeKey}}';
          const segment = { apiKey: writeKey, apiHost: '{{gateway.Authority}}/v1', protocol: 'http',
            deliveryStrategy: { strategy: 'standard', config: { credentials: 'include' } } };
          const analytics = AnalyticsNext.AnalyticsBrowser.load(
            // metrics.sampleRate 0: analytics.js's own telemetry (POST <apiHost>/m) is Segment's, not an event (docs/gateway.md).
            { writeKey, cdnSettings: { integrations: { 'Segment.io': segment }, metrics: { sampleRate: 0 } } },
            { integrations: { 'Segment.io': segment } });
          analytics.catch(error => window.sdkErrors.push(String(error)));
          analytics.ready(() => { window.sdkReady = true; });
          // The test calls go() once the SDK is loaded and the source's rate is used up.
          window.go = () => { {{script}} };
        </script>
        </body></html>
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
