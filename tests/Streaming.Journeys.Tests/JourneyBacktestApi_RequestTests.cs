using System.Net;

namespace Streaming.Journeys.Tests;

/// <summary>The backtest endpoint names what is wrong with a request, and says when there is no history to read.</summary>
public sealed class JourneyBacktestApi_RequestTests : IAsyncLifetime
{
    private const string Tenant = "t-backtest-api";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync();
        using var put = await _host.SendAsync(HttpMethod.Put, Tenant, "/api/definitions/journeys/cart", """
            {"name": "Cart", "trigger": {"event": {"name": "Product Added"}}, "steps": [{"id": "hello", "type": "send", "channel": "push", "template": "x"}]}
            """);
        put.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Body)> BacktestAsync(string id, string body)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, Tenant, $"/api/journeys/{id}/backtest", body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Backtest_answers_400_naming_the_field_404_for_an_unknown_journey_and_503_without_ClickHouse()
    {
        var (status, body) = await BacktestAsync("cart", """{"to": "2026-03-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("from must be an ISO-8601 time", body, StringComparison.Ordinal);

        (status, body) = await BacktestAsync("cart", """{"from": "2026-03-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("to must be after from", body, StringComparison.Ordinal);

        (status, body) = await BacktestAsync("cart", """{"from": "2026-02-01T00:00:00Z", "to": "2026-03-01T00:00:00Z", "version": 7}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("version must be a published version", body, StringComparison.Ordinal);

        (status, _) = await BacktestAsync("nope", """{"from": "2026-02-01T00:00:00Z", "to": "2026-03-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);

        // This host has no ClickHouse: the draft is valid, the history is missing, and the answer says which setting.
        (status, body) = await BacktestAsync("cart", """{"from": "2026-02-01T00:00:00Z", "to": "2026-03-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("ClickHouse:ConnectionString", body, StringComparison.Ordinal);
    }
}
