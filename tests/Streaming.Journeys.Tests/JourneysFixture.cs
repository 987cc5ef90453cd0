using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.Redis;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Journeys.Tests;

/// <summary>
/// The journeys service on real engines: embedded Kafka (all catalog topics), Redis (redis-server,
/// else Garnet), a test clock, its HTTP API on a free loopback port, and tails of every dispatch
/// topic and of journeys.events.
/// </summary>
public sealed class JourneysFixture : IAsyncDisposable
{
    public const string AdminKey = "ak_journeys_tests_0001";

    /// <summary>A Monday, 10:00 UTC: inside every default send window.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly List<IAsyncDisposable> _tails = [];
    private readonly bool _ownsInfrastructure;

    private JourneysFixture(EmbeddedKafka kafka, TestRedis redis, WebApplication app, FakeTimeProvider clock, bool ownsInfrastructure)
    {
        _ownsInfrastructure = ownsInfrastructure;
        Kafka = kafka;
        Redis = redis;
        App = app;
        Clock = clock;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        foreach (var channel in TopicCatalog.Channels)
            _tails.Add(new TopicTail<DispatchRequest>(kafka.BootstrapServers, SharedSchemaRegistry.Serdes.For(TopicCatalog.Dispatch(channel)), Dispatches.Enqueue));
        _tails.Add(new TopicTail<JourneyEvent>(kafka.BootstrapServers, SharedSchemaRegistry.Serdes.For(TopicCatalog.JourneysEvents), Events.Enqueue));
        _tails.Add(new TopicTail<TrackingEvent>(kafka.BootstrapServers, SharedSchemaRegistry.Serdes.For(TopicCatalog.EventsRaw), RawEvents.Enqueue));
    }

    public EmbeddedKafka Kafka { get; }
    public TestRedis Redis { get; }
    public WebApplication App { get; }
    public FakeTimeProvider Clock { get; }
    public HttpClient Http { get; }
    public IEventProducer Producer => App.Services.GetRequiredService<IEventProducer>();
    public ConcurrentQueue<DispatchRequest> Dispatches { get; } = new();
    public ConcurrentQueue<JourneyEvent> Events { get; } = new();
    /// <summary>What reached events.raw (the gateway's output topic): API triggers and update-profile steps.</summary>
    public ConcurrentQueue<TrackingEvent> RawEvents { get; } = new();
    public long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static async Task<JourneysFixture> StartAsync(FakeTimeProvider? clock = null, EmbeddedKafka? sharedKafka = null, TestRedis? sharedRedis = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var kafka = sharedKafka ?? EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        var redis = sharedRedis ?? await TestRedis.StartAsync();
        clock ??= new FakeTimeProvider(Start);
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:LingerMs"] = "1",
            ["Redis:Configuration"] = redis.ClientConfiguration + ",abortConnect=false",
            ["Admin:ApiKey"] = AdminKey,
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(clock);
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.AddServiceDefaults("journeys");
        builder.AddJourneys();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapJourneys();
        await app.StartAsync();
        return new JourneysFixture(kafka, redis, app, clock, ownsInfrastructure: sharedKafka is null);
    }

    public static IdentifiedEvent Event(string tenant, long personId, string name, long timestamp, string properties = "{}",
        string type = "track", string traits = "{}", string? messageId = null) => new(personId, new TrackingEvent
        {
            MessageId = messageId ?? Guid.NewGuid().ToString("N"),
            Type = type,
            Event = type == "track" ? name : null,
            Tenant = tenant,
            Source = "test",
            UserId = $"U{personId}",
            Timestamp = timestamp,
            ReceivedAt = timestamp,
            Properties = properties,
            Traits = traits,
        })
    {
        Identifiers = [$"userId:U{personId}"],
    };

    /// <summary>An identify call giving the person consent for push, SMS and e-mail (and a time zone when given).</summary>
    public IdentifiedEvent Consent(string tenant, long personId, string? timeZone = null) =>
        Event(tenant, personId, "identify", Now, type: "identify",
            traits: timeZone is null
                ? """{"consent_push":true,"consent_sms":true,"consent_email":true}"""
                : $$"""{"consent_push":true,"consent_sms":true,"consent_email":true,"timezone":"{{timeZone}}"}""");

    public Task SendAsync(params IdentifiedEvent[] events) =>
        Producer.ProduceAllAsync([.. events.Select(e => OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(e.Event.Tenant, e.PersonId), e))]);

    public Task ReceiptAsync(DispatchRequest request, string status) =>
        Producer.ProduceAsync(TopicCatalog.MessagesReceipts, PartitionKey.For(request.Tenant, request.PersonId), new MessageReceipt
        {
            ReceiptId = $"{request.RequestId}/{status}",
            RequestId = request.RequestId,
            Tenant = request.Tenant,
            PersonId = request.PersonId,
            Channel = request.Channel,
            Status = status,
            JourneyId = request.JourneyId,
            At = Now,
        });

    /// <summary>Writes and publishes a journey; throws with the API's answer when it refuses.</summary>
    public async Task PublishAsync(string tenant, string id, string definition)
    {
        using (var put = await SendAsync(HttpMethod.Put, tenant, $"/api/definitions/journeys/{id}", definition))
        {
            if (!put.IsSuccessStatusCode)
                throw new InvalidOperationException($"PUT {id}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }
        using var publish = await SendAsync(HttpMethod.Post, tenant, $"/api/definitions/journeys/{id}/publish");
        if (!publish.IsSuccessStatusCode)
            throw new InvalidOperationException($"publish {id}: {(int)publish.StatusCode} {await publish.Content.ReadAsStringAsync()}");
        // The engine reads definitions from config.definitions: wait until this host's catalog has it.
        var catalog = App.Services.GetRequiredService<Definitions.JourneyCatalog>();
        await WaitUntil(() => catalog.Find(tenant, id)?.Entering is not null, TimeSpan.FromSeconds(30), $"journey {id} to be live");
    }

    /// <summary>
    /// A journey that every "Ping" event enters and leaves at once: a ping sent after other inputs of
    /// the same person is handled after them (one partition, in order), so its entry says they were handled.
    /// </summary>
    public Task PublishPingAsync(string tenant) => PublishAsync(tenant, "ping", """
        {"name": "Ping", "trigger": {"event": {"name": "Ping"}}, "reentry": {"policy": "concurrent", "correlationKey": "n"}, "maxConcurrent": 100,
         "steps": [{"id": "out", "type": "exit"}]}
        """);

    /// <summary>Sends a ping to the person and waits until it entered the ping journey: the person's earlier inputs are handled.</summary>
    public async Task PingAsync(string tenant, long personId)
    {
        var before = Events.Count(e => e.JourneyId == "ping" && e.PersonId == personId && e.Kind == JourneyEventKind.Entered);
        await SendAsync(Event(tenant, personId, "Ping", Now, $$"""{"n":"{{Guid.NewGuid():N}}"}"""));
        await WaitFor(() => Events.Count(e => e.JourneyId == "ping" && e.PersonId == personId && e.Kind == JourneyEventKind.Entered) > before ? "pinged" : null, $"person {personId}'s ping");
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string tenant, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        request.Headers.Add("X-Tenant", tenant);
        return await Http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string tenant, string path)
    {
        using var response = await SendAsync(HttpMethod.Get, tenant, path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Moves the test clock; the timer sweeper runs on it, so due waits fire.</summary>
    public void Advance(TimeSpan by) => Clock.Advance(by);

    public Task<DispatchRequest> WaitForDispatch(Func<DispatchRequest, bool> match, string what) =>
        WaitFor(() => Dispatches.FirstOrDefault(match), what);

    public Task<JourneyEvent> WaitForEvent(Func<JourneyEvent, bool> match, string what) =>
        WaitFor(() => Events.FirstOrDefault(match), what);

    public async Task<T> WaitFor<T>(Func<T?> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (true)
        {
            if (probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; dispatches: {string.Join(", ", Dispatches.Select(d => $"{d.PersonId}:{d.Channel}:{d.StepId}"))}; "
                    + $"events: {string.Join(", ", Events.Select(e => $"{e.PersonId}:{e.Kind}:{e.StepId}:{e.Detail}"))}");
            }
            await Task.Delay(50);
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The person's journey state as stored in Redis.</summary>
    public async Task<Model.PersonState> StateAsync(string tenant, long personId) =>
        (await App.Services.GetRequiredService<Storage.PersonStateStore>().LoadAsync(tenant, personId)).State;

    public static Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what) => Eventually.UntilAsync(condition, what, timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var tail in _tails)
            await tail.DisposeAsync();
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
