using System.Collections.Concurrent;
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
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Kafka;
using Streaming.Tests.Helpers;

namespace Streaming.Profiles.Tests;

/// <summary>
/// The profiles service on real engines: embedded Kafka (all catalog topics), a fresh Redis
/// (redis-server, or Garnet), the service's HTTP API on a free loopback port, and a reader that
/// collects every message of profiles.changes.
/// </summary>
public sealed class ProfilesFixture : IAsyncDisposable
{
    public const string AdminKey = "ak_profiles_tests_0001";

    private readonly TopicTail<ProfileChange> _reader;

    private readonly bool _ownsInfrastructure;

    private ProfilesFixture(EmbeddedKafka kafka, TestRedis redis, WebApplication app, bool ownsInfrastructure)
    {
        _ownsInfrastructure = ownsInfrastructure;
        Kafka = kafka;
        Redis = redis;
        App = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        _reader = new TopicTail<ProfileChange>(kafka.BootstrapServers, SharedSchemaRegistry.Serdes.For(TopicCatalog.ProfilesChanges), Changes.Enqueue);
    }

    public EmbeddedKafka Kafka { get; }
    public TestRedis Redis { get; }
    public WebApplication App { get; }
    public HttpClient Http { get; }
    public IEventProducer Producer => App.Services.GetRequiredService<IEventProducer>();
    public ConcurrentQueue<ProfileChange> Changes { get; } = new();

    /// <summary>Starts the service; on the given Kafka and Redis (which the caller then disposes), or on fresh ones.</summary>
    public static async Task<ProfilesFixture> StartAsync(TimeProvider? time = null, EmbeddedKafka? sharedKafka = null, TestRedis? sharedRedis = null)
    {
        var kafka = sharedKafka ?? EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        var redis = sharedRedis ?? await TestRedis.StartAsync();
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
        if (time is not null)
            builder.Services.AddSingleton(time);
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.AddServiceDefaults("profiles");
        builder.AddProfiles();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapProfiles();
        await app.StartAsync();
        return new ProfilesFixture(kafka, redis, app, ownsInfrastructure: sharedKafka is null);
    }

    public static IdentifiedEvent Event(string tenant, long personId, string name, long timestamp, string properties = "{}",
        string type = "track", string? userId = null, string traits = "{}", string context = "{}") => new(personId, new TrackingEvent
        {
            MessageId = Guid.NewGuid().ToString("N"),
            Type = type,
            Event = type == "track" ? name : null,
            Name = type is "page" or "screen" ? name : null,
            Tenant = tenant,
            Source = "test",
            UserId = userId ?? $"U{personId}",
            Timestamp = timestamp,
            ReceivedAt = timestamp,
            Properties = properties,
            Traits = traits,
            Context = context,
        });

    public Task SendAsync(params IdentifiedEvent[] events) =>
        Producer.ProduceAllAsync([.. events.Select(e => OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(e.Event.Tenant, e.PersonId), e))]);

    public Task MergeAsync(string tenant, long survivor, long absorbed, string mergeId) =>
        Producer.ProduceAsync(TopicCatalog.IdentityMerges, PartitionKey.For(tenant, survivor), new IdentityMerge
        {
            MergeId = mergeId,
            Tenant = tenant,
            Outcome = MergeOutcome.Merged,
            SurvivorPersonId = survivor,
            AbsorbedPersonId = absorbed,
            CauseMessageId = "cause-" + mergeId,
            IdentifierType = "userId",
            IdentifierValue = "U" + absorbed,
            At = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });

    public async Task<HttpResponseMessage> PutTagAsync(string tenant, string id, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/definitions/tags/{id}") { Content = new StringContent(body, System.Text.Encoding.UTF8, contentType) };
        request.Headers.Add("X-Tenant", tenant);
        return await Http.SendAsync(request);
    }

    /// <summary>The profile as the API answers it, or null on 404.</summary>
    public async Task<JsonElement?> ProfileAsync(string tenant, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Add("X-Tenant", tenant);
        using var response = await Http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits for <paramref name="probe"/> to answer, for at least <see cref="Eventually.Limit"/> (see <see cref="Eventually"/>).</summary>
    public static Task<T> WaitFor<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : struct => Eventually.ValueAsync(what, probe, timeout);

    public Task<ProfileChange> WaitForChange(Func<ProfileChange, bool> match, TimeSpan timeout, string what) =>
        WaitForChangeCore(match, timeout, what);

    private async Task<ProfileChange> WaitForChangeCore(Func<ProfileChange, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Changes.FirstOrDefault(match);
            if (found is not null)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0}s waiting for {what}; changes seen: {string.Join(", ", Changes.Select(c => $"{c.PersonId}:{c.Kind}:{c.TagId ?? c.Trait}"))}");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Waits until the service has committed everything it consumed (it commits only after its
    /// changes were acknowledged) and the tail has read every change on the topic: after this,
    /// <see cref="Changes"/> holds all the service produced, without guessing a delay.
    /// </summary>
    public async Task WaitForChangesSettledAsync(TimeSpan timeout)
    {
        using var probe = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = ProfilesExtensions.GroupId,
            EnableAutoCommit = false,
        }).Build();
        long Ends(TopicDefinition topic) => Enumerable.Range(0, topic.Partitions)
            .Sum(p => probe.QueryWatermarkOffsets(new TopicPartition(topic.Name, p), TimeSpan.FromSeconds(10)).High.Value);
        var inputs = Enumerable.Range(0, TopicCatalog.EventsIdentified.Partitions).Select(p => new TopicPartition(TopicCatalog.EventsIdentified.Name, p)).ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var committed = probe.Committed(inputs, TimeSpan.FromSeconds(10)).Sum(c => Math.Max(0, c.Offset.Value));
            var consumed = Ends(TopicCatalog.EventsIdentified);
            var produced = Ends(TopicCatalog.ProfilesChanges);
            if (committed == consumed && Changes.Count == produced)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0}s waiting for the changes to settle: committed {committed} of {consumed} events, read {Changes.Count} of {produced} changes.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsInfrastructure)
        {
            Redis.Dispose();
            Kafka.Dispose();
        }
    }
}
