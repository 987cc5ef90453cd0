using System.Globalization;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// What a Kafka user plugs in (Kafka Connect, ksqlDB, Flink, their own consumer): the standalone
/// host's topics and Schema Registry read with Confluent's libraries only — Confluent.Kafka,
/// <c>AvroDeserializer&lt;GenericRecord&gt;</c> and <c>CachedSchemaRegistryClient</c>, nothing of
/// ours, topic names typed out as a user would.
/// </summary>
public sealed class WholeSystem_ConfluentConsumerTests
{
    private static readonly TimeSpan Limit = Eventually.Limit;

    // Every topic with an Avro payload. Receipts, dispatch requests and journey events appear only once a
    // journey runs, which this test does not define: those topics are read and may be empty.
    private static readonly string[] ProducedTopics = ["events.raw", "events.rejected", "events.identified", "identity.merges", "profiles.changes", "config.definitions"];
    private static readonly string[] QuietTopics = ["messages.receipts", "journeys.events", "dispatch.push", "dispatch.sms", "dispatch.email", "dispatch.webhook", "dispatch.wechat"];

    [Fact]
    public async Task Confluent_avro_consumer_reads_every_field_of_every_topic_when_the_standalone_host_received_events()
    {
        await using var system = await RunningSystem.StartAsync("confluent");
        var run = Guid.NewGuid().ToString("N")[..10];
        var anonymousId = "anon-" + run;
        var userId = "user-" + run;
        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);
        // Two people, then an identify that links them: identity merges; traits change the profile.
        await system.SendAsync("v1/track", $$"""{"anonymousId": "{{anonymousId}}", "event": "Viewed", "properties": {"sku": "A-1"}, "messageId": "{{run}}-1", "timestamp": "{{at}}"}""");
        await system.SendAsync("v1/track", $$"""{"userId": "{{userId}}", "event": "Signed Up", "messageId": "{{run}}-2", "timestamp": "{{at}}"}""");
        // Two persons exist before the identify links them (the tracks may sit on other partitions than
        // the identify; without this wait identity could see the identify first and attach the userId
        // to the anonymous person without any merge).
        foreach (var (type, value) in new[] { ("anonymousId", anonymousId), ("userId", userId) })
            await Eventually.Async($"identity knows {type} {value}", () => system.GetAsync($"/api/identity/lookup?type={type}&value={value}"), Limit);
        await system.SendAsync("v1/identify", $$"""{"userId": "{{userId}}", "anonymousId": "{{anonymousId}}", "traits": {"plan": "pro"}, "messageId": "{{run}}-3", "timestamp": "{{at}}"}""");
        // An event the gateway refuses (a track without its event name) goes to events.rejected.
        await system.SendAsync("v1/batch", $$"""{"batch": [{"type": "track", "userId": "{{userId}}", "messageId": "{{run}}-4"} ]}""");

        using var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = system.Host.SchemaRegistryUrl.ToString(),
            BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
            BasicAuthUserInfo = system.Host.SchemaRegistryUserInfo,
        });
        var records = new Dictionary<string, List<GenericRecord>>();
        foreach (var topic in ProducedTopics.Concat(QuietTopics))
            records[topic] = [];
        using (var consumer = new ConsumerBuilder<string, GenericRecord>(new ConsumerConfig
        {
            BootstrapServers = system.Host.KafkaBootstrapServers,
            GroupId = "confluent-reader-" + run,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetValueDeserializer(new AvroDeserializer<GenericRecord>(registry).AsSyncOverAsync()).Build())
        {
            consumer.Subscribe(records.Keys);
            var deadline = DateTime.UtcNow + Limit;
            while (DateTime.UtcNow < deadline && !Complete(records, run))
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message?.Value is { } value)
                    records[result.Topic].Add(value);
            }
            consumer.Close();
        }

        foreach (var topic in ProducedTopics)
            Assert.True(records[topic].Count > 0, $"{topic}: nothing read with the Confluent deserializer while the consumer waited for every produced topic and this run's messages");
        // Every field of the writer schema (the registry's, found by the id in each message) has a value read.
        foreach (var (topic, list) in records)
        {
            foreach (var record in list)
            {
                foreach (var field in record.Schema.Fields)
                    Assert.True(record.TryGetValue(field.Name, out _), $"{topic}: field {field.Name} of {record.Schema.Name} missing");
            }
        }

        var raw = Assert.Single(records["events.raw"], r => (string)r["messageId"] == $"{run}-1");
        Assert.Equal(anonymousId, raw["anonymousId"]);
        Assert.Equal("Viewed", raw["event"]);
        Assert.Equal("default", raw["tenant"]);
        Assert.Contains("A-1", (string)raw["properties"], StringComparison.Ordinal);
        var identified = Assert.Single(records["events.identified"], r => (string)r["messageId"] == $"{run}-3");
        Assert.True((long)identified["personId"] > 0);
        Assert.Contains("userId:" + userId, ((object[])identified["identifiers"]).Cast<string>());
        Assert.Contains(records["identity.merges"], m => (string)m["causeMessageId"] == $"{run}-3");
        Assert.Contains(records["profiles.changes"], c => (long)c["personId"] == (long)identified["personId"]);
        var rejected = Assert.Single(records["events.rejected"], r => (string?)r["messageId"] == $"{run}-4");
        Assert.Contains(userId, (string)rejected["rawPayload"], StringComparison.Ordinal);
        Assert.NotEmpty((object[])rejected["errors"]);
        Assert.Contains(records["config.definitions"], d => (string)d["tenant"] == "default");
    }

    private static bool Complete(Dictionary<string, List<GenericRecord>> records, string run) =>
        ProducedTopics.All(t => records[t].Count > 0)
        && records["events.identified"].Any(r => (string)r["messageId"] == $"{run}-3")
        && records["events.rejected"].Any(r => (string?)r["messageId"] == $"{run}-4")
        && records["identity.merges"].Any(m => (string)m["causeMessageId"] == $"{run}-3");
}
