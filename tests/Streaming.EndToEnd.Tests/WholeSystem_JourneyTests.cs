using System.Globalization;
using System.Net;
using Avro.Generic;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// A journey through the standalone host: an event posted to the gateway is identified, enters the
/// published journey, and its DispatchRequest lands on dispatch.push (read with Confluent's Avro
/// deserializer, as a dispatcher would); the journey's events reach ClickHouse (journey_events).
/// </summary>
public sealed class WholeSystem_JourneyTests
{
    private static readonly TimeSpan Limit = Eventually.Limit;

    [Fact]
    public async Task Event_posted_to_the_gateway_requests_the_journeys_push_and_reports_to_clickhouse()
    {
        await using var system = await RunningSystem.StartAsync("journey");
        var run = Guid.NewGuid().ToString("N")[..10];
        var userId = "member-" + run;
        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/journeys/welcome", """
            {"name": "Welcome push", "trigger": {"event": {"name": "Signed Up"}}, "quietHours": {"from": "00:00", "to": "00:01"},
             "steps": [{"id": "welcome-push", "type": "send", "channel": "push", "template": "welcome", "variables": {"plan": "event.plan"}}]}
            """);
        await system.PostAdminAsync("/api/definitions/journeys/welcome/publish", "{}");

        var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        await Accepted(system, "v1/identify", $$"""{"userId": "{{userId}}", "traits": {"consent_push": true}, "messageId": "{{run}}-1", "timestamp": "{{at}}"}""");
        await Accepted(system, "v1/track", $$"""{"userId": "{{userId}}", "event": "Signed Up", "properties": {"plan": "pro"}, "messageId": "{{run}}-2", "timestamp": "{{at}}"}""");

        using var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = system.Host.SchemaRegistryUrl.ToString(),
            BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
            BasicAuthUserInfo = system.Host.SchemaRegistryUserInfo,
        });
        GenericRecord? request = null;
        using (var consumer = new ConsumerBuilder<string, GenericRecord>(new ConsumerConfig
        {
            BootstrapServers = system.Host.KafkaBootstrapServers,
            GroupId = "dispatch-reader-" + run,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetValueDeserializer(new AvroDeserializer<GenericRecord>(registry).AsSyncOverAsync()).Build())
        {
            consumer.Subscribe("dispatch.push");
            var deadline = DateTime.UtcNow + Limit;
            while (request is null && DateTime.UtcNow < deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message?.Value is { } value && (string?)value["journeyId"] == "welcome")
                    request = value;
            }
            consumer.Close();
        }

        Assert.NotNull(request);
        Assert.Equal("welcome", (string)request["templateId"]);
        Assert.Equal("welcome-push", (string?)request["stepId"]);
        Assert.Equal("default", (string)request["tenant"]);
        Assert.Contains("\"plan\":\"pro\"", (string)request["variables"], StringComparison.Ordinal);
        var person = (await system.GetAsync($"/api/identity/lookup?type=userId&value={userId}"))!["personId"]!.GetValue<long>();
        Assert.Equal(person, (long)request["personId"]);

        var kinds = await Eventually.Async("the journey's events in ClickHouse", async () =>
        {
            var found = await KindsAsync(system.Host.ClickHouseConnectionString, person);
            return found.Contains("message_requested") && found.Contains("exited") ? found : null;
        }, Limit);
        Assert.Contains("entered", kinds);
    }

    private static async Task<List<string>> KindsAsync(string connectionString, long person)
    {
        using var connection = new ClickHouseConnection(connectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind FROM streaming.journey_events WHERE journey_id = 'welcome' AND person_id = {person:Int64} ORDER BY at";
        command.AddParameter("person", person);
        var kinds = new List<string>();
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            kinds.Add(reader.GetString(0));
        return kinds;
    }

    private static async Task Accepted(RunningSystem system, string path, string json)
    {
        using var response = await system.SendAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
    }
}
