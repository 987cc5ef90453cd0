using System.Net;
using System.Text.Json;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace Streaming.Gateway.Tests.Browser;

/// <summary>
/// analytics.js (the npm package's browser bundle) in Debian's Chromium, on a page of another
/// origin, sending to a source limited to 1 event/s: the gateway answers 429 with Retry-After,
/// the SDK retries (with X-Retry-Count, after a preflight, with credentials), and every event
/// arrives in Kafka.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AnalyticsJs_RateLimitedSourceTests(GatewayFixture host, ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Events = ["page:Home", "Product Viewed", "Product Added", "Checkout Started", "page:Checkout", "Order Completed"];
    private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("streaming-chromium-");

    [ChromiumFact]
    public async Task AnalyticsJs_retries_every_event_refused_with_429_until_it_arrives_when_the_source_is_limited_to_1_event_per_second()
    {
        var bundles = await AnalyticsNextPackage.EnsureAsync();
        var source = await host.CreateSourceAsync(rateLimit: 1);
        const string script = """
            analytics.page('Home');
            analytics.track('Product Viewed', { sku: 'A-1' });
            analytics.track('Product Added', { sku: 'A-1' });
            analytics.track('Checkout Started');
            analytics.page('Checkout');
            analytics.track('Order Completed', { revenue: 42 });
            """;
        await using var page = await ShopPage.StartAsync(bundles, host.HttpUrl, source.WriteKey, script);
        using var browser = ChromiumBrowser.Start(_profile.FullName);

        browser.Navigate().GoToUrl(page.Url);
        var js = browser;
        await WaitForAsync(() => js.ExecuteScript("return window.sdkReady === true") is true ? "ready" : null, TimeSpan.FromMinutes(1), () => "analytics.js to load");
        // Use up the next 30 seconds of the source's rate, so the page's first requests are refused
        // (429) however fast or slow this machine is, and the SDK has to retry every one of them.
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("/v1/batch", DrainBatch(30), source.WriteKey)).StatusCode);
        js.ExecuteScript("window.go()");

        var arrived = await WaitForAsync(() =>
        {
            var names = host.ReadRaw(source.Tenant).Where(e => e.Event.Event != "Rate Drained")
                .Select(e => e.Event.Type == "page" ? $"page:{e.Event.Name}" : e.Event.Event).ToList();
            return names.Count >= Events.Length ? names : null;
        }, TimeSpan.FromMinutes(4), () => $"every event in Kafka; the page saw: {Requests(browser)}");

        Assert.Equal(Events.Order(), arrived.Order());
        var log = Requests(browser);
        output.WriteLine($"requests the page made: {log}");
        var requests = JsonDocument.Parse(log).RootElement.EnumerateArray().ToList();
        Assert.All(requests, r => Assert.False(r.TryGetProperty("error", out var error), $"a request failed in the browser (CORS?): {error}"));
        var limited = requests.Where(r => r.GetProperty("status").GetInt32() == 429).ToList();
        Assert.True(limited.Count >= Events.Length, "every event was refused at least once");
        // Retry-After readable by the script (exposed), and the retries carried X-Retry-Count (allowed by the preflight).
        Assert.All(limited, r => Assert.Equal(JsonValueKind.String, r.GetProperty("retryAfter").ValueKind));
        Assert.Contains(requests, r => r.GetProperty("retryCount").ValueKind == JsonValueKind.String && r.GetProperty("status").GetInt32() == 200);
        Assert.All(requests, r => Assert.Equal("include", r.GetProperty("credentials").GetString()));
        Assert.Equal(Events.Length, requests.Count(r => r.GetProperty("status").GetInt32() == 200));
        Assert.Equal("[]", js.ExecuteScript("return JSON.stringify(window.sdkErrors)") as string);
    }

    private static string DrainBatch(int events) =>
        "{\"batch\": [" + string.Join(",", Enumerable.Range(0, events).Select(i => $$"""{"type": "track", "event": "Rate Drained", "anonymousId": "drain-{{i}}"}""")) + "]}";

    private static string Requests(IWebDriver browser) =>
        ((IJavaScriptExecutor)browser).ExecuteScript("return JSON.stringify(window.requests)") as string ?? "[]";

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout, Func<string> what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0}s waiting for {what()}");
            await Task.Delay(250);
        }
    }

    public void Dispose() => _profile.Delete(recursive: true);
}
