using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Tests.Providers;
using Streaming.Embedded.Kafka;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Dispatch.Tests.Service;

/// <summary>
/// The dispatch service on real engines: embedded Kafka (every catalog topic), a fresh Redis, a scripted
/// SMS provider server, the service's API on a free loopback port, and a tail of messages.receipts.
/// </summary>
public sealed class DispatchFixture : IAsyncDisposable
{
    public const string AdminKey = "ak_dispatch_tests_0001";
    public const string TrackingKey = "tracking-key-for-tests-0123456789abcdef";
    public const string Tenant = "t1";
    public const string TenantSmsAuth = "Bearer tenant-sms-token-0001";
    public static readonly string VaultKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    private readonly TopicTail<MessageReceipt> _tail;

    private DispatchFixture(EmbeddedKafka kafka, TestRedis redis, ProviderServer provider, WebApplication app)
    {
        Kafka = kafka;
        Redis = redis;
        Provider = provider;
        App = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Http.DefaultRequestHeaders.Add("X-Tenant", Tenant);
        _tail = new TopicTail<MessageReceipt>(kafka.BootstrapServers, SharedSchemaRegistry.Serdes.For(TopicCatalog.MessagesReceipts), Receipts.Enqueue);
    }

    public EmbeddedKafka Kafka { get; }
    public TestRedis Redis { get; }
    public ProviderServer Provider { get; }
    public WebApplication App { get; }
    public HttpClient Http { get; }
    public ConcurrentQueue<MessageReceipt> Receipts { get; } = new();
    public IEventProducer Producer => App.Services.GetRequiredService<IEventProducer>();

    public static async Task<DispatchFixture> StartAsync(Func<int, HttpContext, Task>? script = null, int maxAttempts = 3)
    {
        var provider = await ProviderServer.StartAsync(script ?? ((_, c) => ProviderServer.Accept(c)));
        var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        var redis = await TestRedis.StartAsync();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:LingerMs"] = "1",
            ["Redis:Configuration"] = redis.ClientConfiguration + ",abortConnect=false",
            ["Admin:ApiKey"] = AdminKey,
            ["Dispatch:Channels:0"] = "sms",
            ["Dispatch:VaultKey"] = VaultKey,
            ["Dispatch:TrackingKey"] = TrackingKey,
            ["Dispatch:TrackingBaseUrl"] = "http://127.0.0.1:8080",
            ["Dispatch:Providers:primary:Kind"] = "sms-http",
            ["Dispatch:Providers:primary:Url"] = provider.Url,
            ["Dispatch:Providers:primary:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dispatch:Providers:primary:BaseDelay"] = "00:00:00.020",
            ["Dispatch:Providers:primary:SendsPerSecond"] = "10000",
            ["Dispatch:Providers:primary:BreakerMinimumThroughput"] = "1000",
            ["Dispatch:Credentials:tenant-sms:AuthHeader"] = TenantSmsAuth,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.AddServiceDefaults("dispatch");
        builder.AddDispatch();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapDispatch();
        await app.StartAsync();
        return new DispatchFixture(kafka, redis, provider, app);
    }

    public async Task PutTemplateAsync(string id, string json)
    {
        using var response = await Http.PutAsync($"/api/definitions/templates/{id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task PutContactAsync(long personId, string phone)
    {
        using var response = await Http.PutAsync($"/api/dispatch/contacts/{personId}", new StringContent($$"""{"phone":"{{phone}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static DispatchRequest Request(string requestId, long personId, string templateId = "welcome", long? expiresAt = null, string variables = "{}") => new()
    {
        RequestId = requestId,
        Tenant = Tenant,
        PersonId = personId,
        Channel = "sms",
        TemplateId = templateId,
        Variables = variables,
        JourneyId = "j1",
        RequestedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        ExpiresAt = expiresAt,
    };

    public Task SendAsync(params DispatchRequest[] requests) =>
        Producer.ProduceAllAsync([.. requests.Select(r => OutboundMessage.Create(TopicCatalog.Dispatch("sms"), PartitionKey.For(r.Tenant, r.PersonId), r))]);

    public async Task<MessageReceipt> WaitForReceiptAsync(string requestId, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (Receipts.FirstOrDefault(r => r.RequestId == requestId && r.Status == status) is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No '{status}' receipt for {requestId}; receipts: {string.Join(", ", Receipts.Select(r => $"{r.RequestId}:{r.Status}:{r.Error}"))}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for <paramref name="condition"/>, for at least <see cref="Eventually.Limit"/> (see <see cref="Eventually"/>).</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) => Eventually.UntilAsync(condition, what, timeout);

    public async ValueTask DisposeAsync()
    {
        await _tail.DisposeAsync();
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Provider.DisposeAsync();
        Redis.Dispose();
        Kafka.Dispose();
    }
}
