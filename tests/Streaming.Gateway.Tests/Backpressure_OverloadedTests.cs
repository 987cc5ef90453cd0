using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Embedded.Kafka;
using Streaming.Gateway.Pipeline;

namespace Streaming.Gateway.Tests;

/// <summary>Its own gateway and Kafka: a small in-flight limit and a broker that is down while requests wait.</summary>
public sealed class Backpressure_OverloadedTests : IAsyncLifetime
{
    private readonly GatewayFixture _host = new(new Dictionary<string, string?>
    {
        ["Gateway:MaxInFlightEvents"] = "2500",
        // The held requests must outlast a slow machine: they are released by bringing the broker back.
        ["Gateway:AckTimeout"] = "00:02:00",
        ["Kafka:DeliveryTimeoutMs"] = "120000",
    });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Too_many_events_waiting_for_kafka_gives_503_overloaded_instead_of_buffering()
    {
        var source = await _host.CreateSourceAsync();
        var body = "{\"batch\": [" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{"type": "track", "event": "E", "userId": "u{{i}}"}""")) + "]}";
        var deliver = _host.Services.GetRequiredService<DeliverEventsStep>();

        // Two requests wait for a broker that is down: 2,000 events in flight, whatever the machine's speed.
        _host.Kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        Task<HttpResponseMessage>[] held;
        HttpResponseMessage overloaded;
        try
        {
            held = [_host.PostAsync("/v1/batch", body, source.WriteKey), _host.PostAsync("/v1/batch", body, source.WriteKey)];
            var deadline = DateTime.UtcNow + Eventually.Limit;
            while (deliver.InFlight < 2000 && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.Equal(2000, deliver.InFlight);

            // A third would make 3,000 > 2,500: refused at once rather than buffered.
            overloaded = await _host.PostAsync("/v1/batch", body, source.WriteKey);
        }
        finally
        {
            _host.Kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        }
        var answers = await Task.WhenAll(held);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, overloaded.StatusCode);
        Assert.Contains("overloaded", await overloaded.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(overloaded.Headers.RetryAfter);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(2000, _host.ReadRaw(source.Tenant).Count);
    }
}
