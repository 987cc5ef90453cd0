using System.Net;

namespace Streaming.Gateway.Tests;

/// <summary>
/// Its own gateway and Kafka, with a long acknowledgement timeout: the broker is down while a
/// request waits, so the request can only finish once the broker is back and acknowledged.
/// </summary>
public sealed class DurableAccept_AnswerAfterAckTests : IAsyncLifetime
{
    private readonly GatewayFixture _host = new(new Dictionary<string, string?>
    {
        ["Gateway:AckTimeout"] = "00:02:00",
        ["Kafka:DeliveryTimeoutMs"] = "120000",
    });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Gateway_answers_only_after_the_broker_acknowledged_the_events()
    {
        var source = await _host.CreateSourceAsync();
        Assert.Equal(HttpStatusCode.OK, (await _host.PostAsync("/v1/track", """{"event": "Warm-up", "userId": "u0"}""", source.WriteKey)).StatusCode);

        _host.Kafka.SetBrokerDown(Streaming.Embedded.Kafka.EmbeddedKafka.AllBrokers);
        Task<HttpResponseMessage> answer;
        try
        {
            answer = _host.PostAsync("/v1/track", """{"event": "Slow", "userId": "u1"}""", source.WriteKey);
            // Nothing can acknowledge now, so the request must still be waiting: a slow machine can
            // only make it wait longer, never answer sooner (the timeout is two minutes away).
            await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(2)));
            Assert.False(answer.IsCompleted, "the gateway answered while no broker could acknowledge the event");
        }
        finally
        {
            _host.Kafka.SetBrokerUp(Streaming.Embedded.Kafka.EmbeddedKafka.AllBrokers);
        }

        var response = await answer.WaitAsync(TimeSpan.FromSeconds(110));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_host.ReadRaw(source.Tenant), e => e.Event.Event == "Slow");
    }
}
