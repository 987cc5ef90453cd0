using System.Net;
using System.Text.Json;
using Grpc.Core;
using Streaming.Contracts.Ingest;
using Streaming.Embedded.Kafka;

namespace Streaming.Gateway.Tests;

/// <summary>Its own gateway and Kafka: these tests stop the broker.</summary>
public sealed class DurableAccept_BrokerDownTests : IAsyncLifetime
{
    private readonly GatewayFixture _host = new(new Dictionary<string, string?>
    {
        ["Gateway:AckTimeout"] = "00:00:02",
        ["Gateway:UnavailableRetryAfter"] = "00:00:03",
        ["Kafka:DeliveryTimeoutMs"] = "4000",
    });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Broker_down_gives_503_with_retry_after_and_nothing_reported_accepted_then_the_retry_succeeds()
    {
        var source = await _host.CreateSourceAsync();
        const string body = """{"batch": [{"type": "track", "event": "Paid", "userId": "u1", "messageId": "pay-1"}]}""";
        Assert.Equal(HttpStatusCode.OK, (await _host.PostAsync("/v1/batch", body.Replace("pay-1", "warm-up", StringComparison.Ordinal), source.WriteKey)).StatusCode);

        _host.Kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        HttpResponseMessage down;
        RpcException grpcDown;
        try
        {
            down = await _host.PostAsync("/v1/batch", body, source.WriteKey);
            var batch = new Batch { BatchId = "g" };
            batch.Events.Add(new Event { Type = "track", Event_ = "Paid", UserId = "u1", MessageId = "pay-2" });
            grpcDown = await Assert.ThrowsAsync<RpcException>(() => _host.Grpc.SendAsync(batch, GatewayFixture.GrpcAuth(source.WriteKey)).ResponseAsync);
        }
        finally
        {
            _host.Kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), down.Headers.RetryAfter?.Delta);
        using (var answer = JsonDocument.Parse(await down.Content.ReadAsStringAsync()))
        {
            Assert.Equal("kafka_unavailable", answer.RootElement.GetProperty("error").GetString());
            Assert.False(answer.RootElement.TryGetProperty("accepted", out _));
        }
        Assert.Equal(StatusCode.Unavailable, grpcDown.StatusCode);
        Assert.Equal("3", grpcDown.Trailers.GetValue("retry-after"));

        // The SDK retries the same batch: accepted once the broker is back.
        var retried = await RetryUntilOkAsync(() => _host.PostAsync("/v1/batch", body, source.WriteKey));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Contains(_host.ReadRaw(source.Tenant), e => e.Event.MessageId == "pay-1");
    }

    private static async Task<HttpResponseMessage> RetryUntilOkAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (true)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                return response;
            await Task.Delay(500);
        }
    }
}
