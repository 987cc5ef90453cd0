using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Streaming.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class Limits_SizeAndRateTests(GatewayFixture host)
{
    private static string Batch(int events, int padding = 0) =>
        "{\"batch\": [" + string.Join(",", Enumerable.Range(0, events).Select(i =>
            $$$"""{"type": "track", "event": "E", "userId": "u{{{i}}}", "properties": {"p": "{{{new string('x', padding)}}}"}}""")) + "]}";

    [Fact]
    public async Task Batch_over_the_event_count_limit_is_413_naming_the_limit_and_nothing_is_stored()
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/batch", Batch(2_501), source.WriteKey);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("batch_too_large", answer.RootElement.GetProperty("error").GetString());
        Assert.Equal("MaxBatchEvents", answer.RootElement.GetProperty("limit").GetString());
        Assert.Equal(2_500, answer.RootElement.GetProperty("limitValue").GetInt32());
        Assert.Empty(host.ReadRaw(source.Tenant));
    }

    [Fact]
    public async Task Body_over_the_request_size_limit_is_413_naming_the_limit_also_when_gzipped()
    {
        var source = await host.CreateSourceAsync();
        var body = Batch(60, padding: 10_000); // ~600 KB of JSON

        var plain = await host.PostAsync("/v1/batch", body, source.WriteKey);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, plain.StatusCode);
        Assert.Contains("MaxRequestBytes", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Compressed it is small on the wire; the limit applies to the JSON.
        var zipped = await PostGzipAsync(body, source.WriteKey);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, zipped.StatusCode);
        Assert.Empty(host.ReadRaw(source.Tenant));
    }

    [Fact]
    public async Task Gzipped_batch_under_the_limits_is_accepted()
    {
        var source = await host.CreateSourceAsync();

        var response = await PostGzipAsync(Batch(100), source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, host.ReadRaw(source.Tenant).Count);
    }

    [Fact]
    public async Task Source_over_its_rate_limit_gets_429_with_retry_after_and_nothing_stored()
    {
        // 1 event/s and a first batch of 60: the second batch is refused unless a whole minute passed
        // between the two requests (not a matter of the machine's speed, unlike 10/s and 2 s of slack).
        var source = await host.CreateSourceAsync(rateLimit: 1);

        var first = await host.PostAsync("/v1/batch", Batch(60), source.WriteKey);
        var second = await host.PostAsync("/v1/batch", Batch(20), source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("rate_limited", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(60, host.ReadRaw(source.Tenant).Count);
    }

    private Task<HttpResponseMessage> PostGzipAsync(string json, string writeKey)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(json));
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/batch") { Content = content };
        request.Headers.Authorization = GatewayFixture.Basic(writeKey);
        return host.Http.SendAsync(request);
    }
}
