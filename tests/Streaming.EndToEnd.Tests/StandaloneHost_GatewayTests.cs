using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confluent.Kafka;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Contracts.Ingest;
using Streaming.Contracts.Topics;
using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests;

public sealed class StandaloneHost_GatewayTests : IDisposable
{
    private const string WriteKey = "wk_test_gateway_e2e_0001";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "streaming-e2e-gw-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Standalone_accepts_segment_http_and_grpc_events_with_the_printed_demo_write_key()
    {
        await using var host = await StandaloneHost.StartAsync(new StandaloneOptions
        {
            DataDirectory = _data,
            HttpPort = 0,
            GrpcPort = 0,
            ClickHousePort = 0,
            SchemaRegistryPort = 0,
            RedisPort = 0,
            WriteKey = WriteKey,
            AdminKey = "ak_test_gateway_e2e_0001",
        });
        Assert.Contains(WriteKey, host.Describe(), StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = host.HttpUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/track")
        {
            Content = new StringContent("""{"event": "Signed Up", "userId": "u1", "messageId": "e2e-http"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var channel = GrpcChannel.ForAddress(host.GrpcUrl);
        var batch = new Batch { BatchId = "e2e" };
        batch.Events.Add(new Event { Type = "page", Name = "Home", AnonymousId = "a1", MessageId = "e2e-grpc" });
        var result = await new Ingest.IngestClient(channel).SendAsync(batch, new Grpc.Core.Metadata { { "x-write-key", WriteKey } });
        Assert.Equal(1, result.Accepted);

        var stored = ReadRaw(host.KafkaBootstrapServers, host.Services.GetRequiredService<Streaming.Contracts.Avro.TopicSerdes>());
        Assert.Contains(stored, e => e.MessageId == "e2e-http" && e.Tenant == "default" && e.Source == "demo");
        Assert.Contains(stored, e => e.MessageId == "e2e-grpc" && e.Type == "page");
    }

    private static List<Streaming.Contracts.Records.TrackingEvent> ReadRaw(string bootstrap, Streaming.Contracts.Avro.TopicSerdes serdes)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "e2e-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, TopicCatalog.EventsRaw.Partitions).Select(p => new TopicPartitionOffset(TopicCatalog.EventsRaw.Name, p, Offset.Beginning)));
        var events = new List<Streaming.Contracts.Records.TrackingEvent>();
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (events.Count < 2 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is { } message)
                events.Add(serdes.Deserialize(TopicCatalog.EventsRaw, message.Value));
        }
        return events;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
