using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Profiles;
using Streaming.Scoring.Scoring;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Scoring.Tests;

/// <summary>
/// Profiles and scoring in one host on real engines (embedded Kafka, Redis): a published model is
/// picked up live, a profile change makes scoring publish <c>churn_score</c> and <c>churn_band</c> on
/// profiles.changes, the profiles service writes it into the profile as a trait that a tag rule
/// (<c>churn_score</c> ≥ 75) reads, the API answers score, band, reasons and model, and a newer model
/// replaces the old one without a restart (hot reload) and moves the published score and the tag.
/// </summary>
public sealed class ScoringService_LiveScoreTests
{
    private const string AdminKey = "ak_scoring_tests_0001";

    [Fact]
    public async Task Scoring_publishes_the_score_on_a_profile_change_and_follows_a_newly_published_model()
    {
        using var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        using var redis = await TestRedis.StartAsync();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:LingerMs"] = "1",
            ["Redis:Configuration"] = redis.ClientConfiguration + ",abortConnect=false",
            ["Admin:ApiKey"] = AdminKey,
        });
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("scoring-tests");
        builder.AddProfiles();
        builder.AddScoring();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapProfiles();
        app.MapScoring();
        await app.StartAsync();
        var changes = new ConcurrentQueue<ProfileChange>();
        await using var tail = new TopicTail<ProfileChange>(kafka.BootstrapServers, SharedSchemaRegistry.Serdes.For(TopicCatalog.ProfilesChanges), changes.Enqueue);
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var tenant = "live-" + Guid.NewGuid().ToString("N")[..8];
        http.DefaultRequestHeaders.Add("X-Tenant", tenant);
        var producer = app.Services.GetRequiredService<IEventProducer>();
        const long person = 4242;
        var now = DateTimeOffset.UtcNow;

        // A customer who ordered three times and not for 100 days.
        int[] daysAgo = [160, 130, 100];
        var history = daysAgo.Select(days => RetailHistory.Track(tenant, person, "Order Completed", now.AddDays(-days), $"order-{days}", """{"revenue": 40}""")).ToList();
        await SendAsync(producer, history);
        // The score is an ordinary trait: a tag rule reads it from the live profile.
        using (var tag = await http.PutAsync("/api/definitions/tags/at-risk", new StringContent("""{"name":"At risk","condition":{"trait":"churn_score","op":"gte","value":75}}""", Encoding.UTF8, "application/json")))
            Assert.True(tag.IsSuccessStatusCode, await tag.Content.ReadAsStringAsync());
        var first = await PutModelAsync(http, "churn-a", TestModels.Trained(longWaitMeansChurn: true));
        Assert.Equal(HttpStatusCode.OK, first);
        await WaitUntilAsync(async () => (await http.GetAsync("/api/scoring/models")).IsSuccessStatusCode
            && (await http.GetFromJsonAsync<JsonElement>("/api/scoring/models")).EnumerateArray().Any(m => m.GetProperty("active").GetBoolean()), "the model to load");

        // A trait change is a profile change: scoring rescores the person and publishes.
        await SendAsync(producer, [Identify(tenant, person, "Ada")]);
        var score = await WaitForAsync(changes, c => c.PersonId == person && c.Trait == Rescoring.ScoreTrait, "churn_score published");
        var band = await WaitForAsync(changes, c => c.PersonId == person && c.Trait == Rescoring.BandTrait, "churn_band published");
        Assert.Equal(ProfileChangeKind.ScoreChanged, score.Kind);
        Assert.True(int.Parse(score.NewValue!, System.Globalization.CultureInfo.InvariantCulture) >= 75, score.NewValue);
        Assert.Equal("\"high\"", band.NewValue);
        await WaitForAsync(changes, c => c.PersonId == person && c.Kind == ProfileChangeKind.TagEntered && c.TagId == "at-risk", "the at-risk tag (churn_score >= 75) entered");
        // The band is the next message after the score: the profile holds both once it is applied too.
        await WaitUntilAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"/api/profiles/{person}")).GetProperty("traits").TryGetProperty("churn_band", out _), "churn_band on the profile");
        var profile = await http.GetFromJsonAsync<JsonElement>($"/api/profiles/{person}");
        Assert.Equal(score.NewValue, profile.GetProperty("traits").GetProperty("churn_score").GetRawText());
        Assert.Equal("high", profile.GetProperty("traits").GetProperty("churn_band").GetString());
        var answer = await http.GetFromJsonAsync<JsonElement>($"/api/scoring/persons/{person}");
        Assert.Equal("churn-a", answer.GetProperty("model").GetString());
        Assert.Equal("high", answer.GetProperty("band").GetString());
        Assert.Contains(answer.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("no order for 100 days", StringComparison.Ordinal));

        // Hot reload: a newer model that learned the opposite takes over without a restart.
        Assert.Equal(HttpStatusCode.OK, await PutModelAsync(http, "churn-b", TestModels.Trained(longWaitMeansChurn: false)));
        await WaitUntilAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"/api/scoring/persons/{person}")).GetProperty("model").GetString() == "churn-b", "the new model to score");
        await SendAsync(producer, [Identify(tenant, person, "Ada L.")]);
        var moved = await WaitForAsync(changes, c => c.PersonId == person && c.Trait == Rescoring.BandTrait && c.NewValue == "\"low\"", "the band to move to low");
        Assert.Equal("\"high\"", moved.OldValue);
        await WaitForAsync(changes, c => c.PersonId == person && c.Kind == ProfileChangeKind.TagLeft && c.TagId == "at-risk", "the at-risk tag left");
        var models = await http.GetFromJsonAsync<JsonElement>("/api/scoring/models");
        Assert.Equal(["churn-b", "churn-a"], models.EnumerateArray().Select(m => m.GetProperty("id").GetString()!).Order().Reverse());
        var report = await http.GetFromJsonAsync<JsonElement>("/api/scoring/models/churn-a");
        Assert.True(report.GetProperty("model").GetProperty("evaluation").GetProperty("model").GetProperty("auc").GetDouble() > 0.9);
    }

    [Fact]
    public async Task Scoring_api_refuses_a_model_document_that_is_not_a_churn_model_naming_the_field()
    {
        using var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        using var redis = await TestRedis.StartAsync();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Redis:Configuration"] = redis.ClientConfiguration + ",abortConnect=false",
            ["Admin:ApiKey"] = AdminKey,
        });
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("scoring-tests");
        builder.AddScoring();
        await using var app = builder.Build();
        app.MapScoring();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

        var model = TestModels.Trained(true) with { Features = ["days_since_last_order"] };
        using var response = await http.PutAsync("/api/scoring/models/bad", new StringContent(model.ToJson(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("features:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task SendAsync(IEventProducer producer, IReadOnlyList<IdentifiedEvent> events) =>
        producer.ProduceAllAsync([.. events.Select(e => OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(e.Event.Tenant, e.PersonId), e))]);

    private static IdentifiedEvent Identify(string tenant, long person, string name) => new(person, new TrackingEvent
    {
        MessageId = Guid.NewGuid().ToString("N"),
        Type = "identify",
        Tenant = tenant,
        Source = "test",
        UserId = "U" + person,
        Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        ReceivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        Traits = JsonSerializer.Serialize(new { name }),
    });

    private static async Task<HttpStatusCode> PutModelAsync(HttpClient http, string id, Model.ChurnModelDefinition model)
    {
        using var response = await http.PutAsync($"/api/scoring/models/{id}", new StringContent(model.ToJson(), Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.UntilAsync(condition, what);

    private static async Task<ProfileChange> WaitForAsync(ConcurrentQueue<ProfileChange> changes, Func<ProfileChange, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (true)
        {
            if (changes.FirstOrDefault(match) is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}; seen: {string.Join(", ", changes.Select(c => $"{c.PersonId}:{c.Kind}:{c.Trait}={c.NewValue}"))}");
            await Task.Delay(20);
        }
    }
}
