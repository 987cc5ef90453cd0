using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Streaming.Gateway.Tests;

/// <summary>
/// What a browser checks before and after calling the gateway cross-origin (the same headers the
/// browser test drives through Chromium, here without a browser).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SegmentCors_BrowserOriginTests(GatewayFixture host)
{
    private const string PageOrigin = "http://shop.example:3000";

    [Fact]
    public async Task Preflight_allows_the_retry_header_analytics_js_sends_and_credentials_for_the_page_origin()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "v1/p");
        preflight.Headers.Add("Origin", PageOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-retry-count");

        var response = await host.Http.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(PageOrigin, Single(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Single(response, "Access-Control-Allow-Credentials"));
        var allowed = Single(response, "Access-Control-Allow-Headers").Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("X-Retry-Count", allowed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Authorization", allowed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Content-Type", allowed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task Rate_limited_answer_lets_the_page_read_retry_after()
    {
        var source = await host.CreateSourceAsync(rateLimit: 1);
        // 1 event/s with a burst of 2: the third quick post is refused (more posts if the machine is slow).
        HttpResponseMessage response;
        var posts = 0;
        do
        {
            response = await PostFromPageAsync(source.WriteKey);
        }
        while (response.StatusCode == HttpStatusCode.OK && ++posts < 100);

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(PageOrigin, Single(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Single(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Retry-After", Single(response, "Access-Control-Expose-Headers").Split(',', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Admin_api_gives_a_browser_on_another_origin_no_access_even_with_a_valid_key()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/sources");
        preflight.Headers.Add("Origin", PageOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        var preflightAnswer = await host.Http.SendAsync(preflight);

        using var get = new HttpRequestMessage(HttpMethod.Get, "api/sources");
        get.Headers.Add("Origin", PageOrigin);
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.AdminKey);
        var answer = await host.Http.SendAsync(get);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        foreach (var response in new[] { preflightAnswer, answer })
        {
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), $"{response.RequestMessage!.Method} /api/sources allows another origin");
            Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Headers"));
        }
    }

    private async Task<HttpResponseMessage> PostFromPageAsync(string writeKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/t")
        {
            Content = new StringContent("""{"type": "track", "event": "Clicked", "anonymousId": "a1"}""", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", PageOrigin);
        request.Headers.Authorization = GatewayFixture.Basic(writeKey);
        return await host.Http.SendAsync(request);
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? Assert.Single(values) : throw new Xunit.Sdk.XunitException($"{header} missing");
}
