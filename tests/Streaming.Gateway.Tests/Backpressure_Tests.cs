using System.Net;

namespace Streaming.Gateway.Tests;

/// <summary>Its own gateway and Kafka: a small in-flight limit and a slowed broker.</summary>
public sealed class Backpressure_Tests : IAsyncLifetime
{
    private readonly GatewayTestHost _host = new(new Dictionary<string, string?>
    {
        ["Gateway:MaxInFlightEvents"] = "2500",
    });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Too_many_events_waiting_for_kafka_gives_503_overloaded_instead_of_buffering()
    {
        var source = await _host.CreateSourceAsync();
        var body = "{\"batch\": [" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{"type": "track", "event": "E", "userId": "u{{i}}"}""")) + "]}";
        _host.Kafka.SetBrokerRoundTripTime(1, TimeSpan.FromMilliseconds(300));
        HttpResponseMessage[] answers;
        try
        {
            answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _host.PostAsync("/v1/batch", body, source.WriteKey)));
        }
        finally
        {
            _host.Kafka.SetBrokerRoundTripTime(1, TimeSpan.Zero);
        }

        var texts = await Task.WhenAll(answers.Select(async a => $"{(int)a.StatusCode} {await a.Content.ReadAsStringAsync()}"));
        var overloaded = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.True(overloaded.Count > 0 && answers.Any(a => a.StatusCode == HttpStatusCode.OK), string.Join("\n", texts));
        Assert.Contains("overloaded", await overloaded[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(overloaded[0].Headers.RetryAfter);
        var accepted = answers.Count(a => a.StatusCode == HttpStatusCode.OK) * 1000;
        Assert.Equal(accepted, _host.ReadRaw(source.Tenant).Count);
    }
}
