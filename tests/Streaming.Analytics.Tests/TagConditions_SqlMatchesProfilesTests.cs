using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Streaming.Conditions.Parsing;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.Profiles;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.Tests.Helpers;

namespace Streaming.Analytics.Tests;

/// <summary>
/// The same generated events go through the real Profiles service (embedded Kafka + Redis) and into
/// ClickHouse; for each tag the people Profiles tagged are exactly the people the compiled SQL returns.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class TagConditions_SqlMatchesProfilesTests(ClickHouseFixture fixture)
{
    private const string Tenant = "t-sqltags";
    private const string AdminKey = "ak_sqltags_tests_0001";
    private const int People = 300;

    /// <summary>Tags covering windows, sums, averages, distinct days, traits, any/not, attributes, scores and metric operands.</summary>
    private static readonly Dictionary<string, string> Tags = new()
    {
        ["frequent"] = """{"name":"Frequent","condition":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"7d"},"op":"gte","value":2}}""",
        ["big-spender"] = """{"name":"Big spender","condition":{"metric":{"fn":"sum","event":{"name":"Order Completed"},"property":"revenue","window":"30d"},"op":"gte","value":250.5}}""",
        ["gold-30"] = """{"name":"Gold 30+","condition":{"all":[{"trait":"age","op":"gte","value":30},{"trait":"plan","op":"eq","value":"gold"}]}}""",
        ["idle-or-vip"] = """{"name":"Idle or VIP","condition":{"any":[{"not":{"metric":{"fn":"count","event":{"type":"page"},"window":"14d"},"op":"gte","value":1}},{"trait":"vip","op":"eq","value":true}]}}""",
        ["app-buyer"] = """{"name":"App buyer","condition":{"all":[{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"$channel","op":"eq","value":"app"}]},"window":"30d"},"op":"gte","value":1},{"metric":{"fn":"max","event":{"name":"Order Completed"},"property":"revenue"},"op":"gte","value":100}]}}""",
        ["recent-loyal"] = """{"name":"Recent loyal","condition":{"all":[{"metric":{"fn":"score","of":{"fn":"daysSince","event":{"name":"Order Completed"}},"thresholds":[3,7,14,30],"order":"descending"},"op":"gte","value":4},{"metric":{"fn":"avg","event":{"name":"Order Completed"},"property":"revenue"},"op":"between","value":[40,150]}]}}""",
        ["regular"] = """{"name":"Regular","condition":{"all":[{"metric":{"fn":"distinct","event":{"type":"page"},"property":"$day","window":"14d"},"op":"gte","value":3},{"not":{"trait":"plan","op":"in","value":["free","trial"]}}]}}""",
        ["browser-more"] = """{"name":"Browses more than buys","timeZone":"Asia/Shanghai","condition":{"metric":{"fn":"count","event":{"type":"page"},"window":"7d"},"op":"gt","value":{"metric":{"fn":"count","event":{"name":"Order Completed"},"window":"7d"},"times":2}}}""",
        ["avg-differs"] = """{"name":"Average order differs from the largest","condition":{"metric":{"fn":"avg","event":{"name":"Order Completed"},"property":"revenue"},"op":"ne","value":{"metric":{"fn":"max","event":{"name":"Order Completed"},"property":"revenue"}}}}""",
        ["category"] = """{"name":"Beauty shopper","condition":{"metric":{"fn":"count","event":{"name":"Order Completed","where":[{"path":"category","op":"startsWith","value":"beau"},{"path":"revenue","op":"lt","value":200}]}},"op":"gte","value":1}}""",
    };

    [Fact]
    public async Task Tag_condition_in_sql_selects_the_people_profiles_tagged_on_the_same_events()
    {
        var db = await fixture.NewDatabaseAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var now = clock.GetUtcNow();
        var events = Generate(now);

        using var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        using var redis = await TestRedis.StartAsync();
        await using var app = await StartProfilesAsync(kafka, redis, clock);
        using var http = Client(app);
        foreach (var (id, definition) in Tags.Append(new("synced", """{"name":"Synced","condition":{"metric":{"fn":"count","event":{"name":"Synced"}},"op":"gte","value":1}}""")))
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/definitions/tags/{id}") { Content = new StringContent(definition, System.Text.Encoding.UTF8, "application/json") };
            put.Headers.Add("X-Tenant", Tenant);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(put)).StatusCode);
        }
        var changes = new ConcurrentQueue<ProfileChange>();
        var reader = new TopicTail<ProfileChange>(kafka.BootstrapServers, SharedSchemaRegistry.Serdes.For(TopicCatalog.ProfilesChanges), changes.Enqueue);

        // Profiles: through Kafka, each person's events in order, a final "Synced" event marking the person done.
        var producer = app.Services.GetRequiredService<IEventProducer>();
        await producer.ProduceAllAsync([.. events.Select(e => OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(Tenant, e.PersonId), e))]);
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (changes.Count(c => c is { Kind: ProfileChangeKind.TagEntered, TagId: "synced" }) < People)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Profiles applied {changes.Count(c => c.TagId == "synced")} of {People} people in time");
            await Task.Delay(50);
        }
        await Task.Delay(300);
        await reader.DisposeAsync();

        // ClickHouse: the same events through the events sink, the trait changes Profiles emitted through the changes sink.
        await db.StoreAsync(events);
        var traitChanges = changes.Where(c => c.Kind == ProfileChangeKind.TraitChanged)
            .Select((c, i) => new InboundMessage<ProfileChange>("profiles.changes", 0, i, $"{c.Tenant}:{c.PersonId}", c, DateTimeOffset.UtcNow, []))
            .ToList();
        Assert.NotEmpty(traitChanges);
        await db.ProfileChangesSink().HandleAsync(traitChanges, default);

        var queries = db.Queries(clock);
        var taggedByProfiles = new Dictionary<string, SortedSet<long>>();
        foreach (var (id, definition) in Tags)
        {
            var tagged = new SortedSet<long>();
            foreach (var change in changes.Where(c => c.TagId == id))
            {
                if (change.Kind == ProfileChangeKind.TagEntered)
                    tagged.Add(change.PersonId);
                else if (change.Kind == ProfileChangeKind.TagLeft)
                    tagged.Remove(change.PersonId);
            }
            taggedByProfiles[id] = tagged;
            var document = ConditionParser.ParseTagDefinition(definition).GetValueOrThrow().Document;
            var (count, sample, problem) = await queries.AudienceAsync(Tenant, document, People, now, default);

            Assert.Null(problem);
            Assert.True(tagged.Count is > 0 and < People, $"tag {id}: {tagged.Count} of {People} tagged; the generated data should split people");
            Assert.Equal(tagged.Count, count);
            Assert.Equal(tagged.ToList(), sample.Order().ToList());
        }

        // The audiences API reads the stored definition (written through Profiles' API) by its id.
        await using var analytics = await StartAnalyticsAsync(kafka, db);
        using var api = Client(analytics);
        api.DefaultRequestHeaders.Add("X-Tenant", Tenant);
        var byId = await api.PostAsJsonAsync("/api/analytics/audiences/count", new { definition = "big-spender", sample = People, asOf = now });
        var missing = await api.PostAsJsonAsync("/api/analytics/audiences/count", new { definition = "no-such-tag" });
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        var answer = await byId.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(taggedByProfiles["big-spender"].ToList(), answer.GetProperty("sample").EnumerateArray().Select(e => e.GetInt64()).ToList());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("no tag 'no-such-tag'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static List<IdentifiedEvent> Generate(DateTimeOffset now)
    {
        var random = new Random(20_240_607);
        var events = new List<IdentifiedEvent>();
        string[] plans = ["free", "trial", "silver", "gold"];
        string[] categories = ["beauty", "beauty-care", "books", "garden"];
        string[] channels = ["""{"app":{"version":"1.2"}}""", """{"page":{"path":"/"}}""", "{}", """{"channel":"miniprogram"}"""];
        for (var person = 1L; person <= People; person++)
        {
            var own = new List<IdentifiedEvent>();
            if (random.Next(5) > 0)
            {
                var traits = new List<string> { $"\"age\":{random.Next(18, 60)}", $"\"plan\":\"{plans[random.Next(plans.Length)]}\"" };
                if (random.Next(4) == 0)
                    traits.Add($"\"vip\":{(random.Next(2) == 0 ? "true" : "false")}");
                own.Add(Event(person, "identify", null, now.AddDays(-40), traits: "{" + string.Join(",", traits) + "}"));
            }
            for (var i = random.Next(0, 6); i > 0; i--)
            {
                var revenue = Math.Round(random.Next(500, 25_000) / 100m, 2);
                var properties = $"{{\"revenue\":{revenue.ToString(CultureInfo.InvariantCulture)},\"category\":\"{categories[random.Next(categories.Length)]}\"}}";
                own.Add(Event(person, "track", "Order Completed", At(random, now), properties, channels[random.Next(channels.Length)]));
            }
            for (var i = random.Next(0, 8); i > 0; i--)
                own.Add(Event(person, "page", "Home", At(random, now), context: channels[random.Next(channels.Length)]));
            own.Sort((a, b) => a.Event.Timestamp.CompareTo(b.Event.Timestamp));
            own.Add(Event(person, "track", "Synced", now.AddMinutes(-1)));
            events.AddRange(own);
        }
        return events;
    }

    /// <summary>Mostly within 40 days, some exactly on window edges (start of the local day 7/14/30 days back).</summary>
    private static DateTimeOffset At(Random random, DateTimeOffset now) => random.Next(10) switch
    {
        0 => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-6),
        1 => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-7).AddMilliseconds(-1),
        _ => now.AddMinutes(-random.Next(2, 60 * 24 * 40)),
    };

    private static IdentifiedEvent Event(long person, string type, string? name, DateTimeOffset at, string properties = "{}", string context = "{}", string traits = "{}") =>
        new(person, new TrackingEvent
        {
            MessageId = $"m-{person}-{Guid.NewGuid():N}",
            Type = type,
            Event = type == "track" ? name : null,
            Name = type == "page" ? name : null,
            Tenant = Tenant,
            Source = "test",
            UserId = "U" + person.ToString(CultureInfo.InvariantCulture),
            Timestamp = at.ToUnixTimeMilliseconds(),
            ReceivedAt = at.ToUnixTimeMilliseconds(),
            Properties = properties,
            Context = context,
            Traits = traits,
        });

    private static async Task<WebApplication> StartProfilesAsync(EmbeddedKafka kafka, TestRedis redis, TimeProvider clock)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:LingerMs"] = "1",
            ["Redis:Configuration"] = redis.ClientConfiguration + ",abortConnect=false",
            ["Admin:ApiKey"] = AdminKey,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(clock);
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.AddServiceDefaults("profiles");
        builder.AddProfiles();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapProfiles();
        await app.StartAsync();
        return app;
    }

    private static async Task<WebApplication> StartAnalyticsAsync(EmbeddedKafka kafka, AnalyticsDatabase db)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["ClickHouse:ConnectionString"] = db.Session.ConnectionString,
            ["Admin:ApiKey"] = AdminKey,
            ["Analytics:Database"] = db.Name,
            ["Analytics:BiDatabase"] = db.Session.BiDatabase,
            ["Analytics:SinkEnabled"] = "false",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.AddServiceDefaults("analytics-test");
        builder.AddAnalytics();
        var app = builder.Build();
        app.MapAnalytics();
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return http;
    }

}
