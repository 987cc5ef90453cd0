using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
using Streaming.Dispatch;
using Streaming.Dispatch.Contacts;
using Streaming.Dispatch.Delivery;
using Streaming.Dispatch.Templates;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.SchemaRegistry;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Sends/s of one dispatcher instance per channel, through Kafka, the send ledger in Redis, rendering
/// and the provider pipeline, against local providers that answer after 20 ms: an HTTP server (sms,
/// push, webhook, wechat) and an SMTP server (e-mail, the SmtpServer library in process, accepting each
/// message 20 ms after its data); and template render time p50/p99.
/// </summary>
public sealed class DispatchScenario : IBenchScenario
{
    private static readonly string[] Channels = ["sms", "push", "webhook", "wechat", "email"];

    public string Name => "dispatch";
    public string Description => "dispatcher sends/s per channel against a 20 ms provider (--requests N per channel)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var requests = BenchArgs.Int(args, "--requests", 5_000);
        var received = 0;
        var providerBuilder = WebApplication.CreateSlimBuilder();
        providerBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        providerBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var provider = providerBuilder.Build();
        provider.Run(async context =>
        {
            await Task.Delay(20);
            Interlocked.Increment(ref received);
            await context.Response.WriteAsJsonAsync(new { id = "pm", errcode = 0, msgid = 1 });
        });
        await provider.StartAsync(cancellationToken);
        var providerUrl = provider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/send";
        await using var smtp = await SlowSmtpServer.StartAsync(TimeSpan.FromMilliseconds(20), () => Interlocked.Increment(ref received));

        using var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        using var redis = await TestRedis.StartAsync(cancellationToken);
        await using var registry = await CatalogSchemaRegistry.StartAsync();
        var builder = WebApplication.CreateBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Redis:Configuration"] = redis.ClientConfiguration + ",abortConnect=false",
            ["Admin:ApiKey"] = "ak_bench_dispatch_0001",
            ["Dispatch:VaultKey"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()),
            ["Dispatch:TrackingKey"] = "bench-tracking-key-0123456789abcdef",
        };
        foreach (var channel in Channels.Where(c => c != "email"))
        {
            settings[$"Dispatch:Providers:{channel}:Kind"] = channel switch { "sms" => "sms-http", "push" => "push-http", _ => channel };
            settings[$"Dispatch:Providers:{channel}:Url"] = providerUrl;
            settings[$"Dispatch:Providers:{channel}:Secret"] = "bench-webhook-secret-0001";
            settings[$"Dispatch:Providers:{channel}:SendsPerSecond"] = "100000";
        }
        settings["Dispatch:Providers:email:Kind"] = "email-smtp";
        settings["Dispatch:Providers:email:Host"] = "127.0.0.1";
        settings["Dispatch:Providers:email:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
        settings["Dispatch:Providers:email:UseTls"] = "false";
        settings["Dispatch:Providers:email:From"] = "Bench <bench@streaming.local>";
        settings["Dispatch:Providers:email:SendsPerSecond"] = "100000";
        foreach (var (key, value) in registry.Settings)
            settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("dispatch");
        builder.AddDispatch();
        await using var app = builder.Build();
        app.MapDispatch();
        await app.StartAsync(cancellationToken);

        var definitions = app.Services.GetRequiredService<DefinitionStore>();
        var vault = app.Services.GetRequiredService<ContactVault>();
        var credits = app.Services.GetRequiredService<WeChatCredits>();
        var producer = app.Services.GetRequiredService<IEventProducer>();
        const int people = 1_000;
        foreach (var channel in Channels)
        {
            var variant = channel switch
            {
                "wechat" => """{"text": "x", "providerTemplateId": "tpl", "data": {"name": "{{ person.id }}"}}""",
                "email" => """{"subject": "Hi {{ person.id }}", "text": "Your code {{ vars.code }}: https://shop.example/c", "html": "<p>Your code {{ vars.code }}: <a href=\"https://shop.example/c\">shop</a></p>"}""",
                _ => """{"text": "Hi {{ person.id }}, code {{ vars.code }}: https://shop.example/c"}""",
            };
            await definitions.PutAsync("bench", TemplateDefinition.Kind, channel, "{\"channel\": \"" + channel + "\", \"defaultLocale\": \"en\", \"variants\": {\"en\": " + variant + "}}", "bench", cancellationToken);
        }
        for (var p = 1; p <= people; p++)
        {
            foreach (var kind in ContactKinds.All)
                await vault.PutAsync("bench", p, kind, kind == ContactKinds.Email ? $"p{p}@example.com" : $"+49151{p:D8}");
            await credits.GrantAsync("bench", p, "tpl", requests + 500);
        }

        Console.WriteLine($"machine: {Measure.Machine}");
        // Warm-up, not measured: JIT, connection pools and consumer assignments of every channel, so the
        // first channel measured is not the one that pays for them.
        var warmUp = Math.Min(500, requests);
        foreach (var channel in Channels)
            await SendAndWaitAsync(channel, "warm", warmUp);
        var results = new Dictionary<string, object>();
        foreach (var channel in Channels)
        {
            var (sent, elapsed) = await SendAndWaitAsync(channel, "run", requests);
            var rate = sent / elapsed.TotalSeconds;
            Console.WriteLine($"{channel,-8} {rate,10:N0} sends/s ({requests:N0} requests, provider latency 20 ms)");
            results[$"{channel}_sends_per_s"] = Math.Round(rate);
        }

        async Task<(int Sent, TimeSpan Elapsed)> SendAndWaitAsync(string channel, string run, int count)
        {
            var before = Volatile.Read(ref received);
            var batch = Enumerable.Range(0, count).Select(i => OutboundMessage.Create(TopicCatalog.Dispatch(channel), PartitionKey.For("bench", 1 + (i % people)), new DispatchRequest
            {
                RequestId = $"{run}-{channel}-{i}",
                Tenant = "bench",
                PersonId = 1 + (i % people),
                Channel = channel,
                TemplateId = channel,
                Variables = """{"code": "X1", "target": "crm"}""",
            })).ToList();
            var clock = Stopwatch.StartNew();
            await producer.ProduceAllAsync(batch, cancellationToken);
            while (Volatile.Read(ref received) - before < count && clock.Elapsed < TimeSpan.FromMinutes(5))
                await Task.Delay(10, cancellationToken);
            return (Volatile.Read(ref received) - before, clock.Elapsed);
        }

        var (template, _) = TemplateCompiler.Compile("render", """{"channel": "email", "variants": {"en": {"subject": "Hi {{ person.traits.name }}", "text": "{% for i in vars.items %}{{ i.name }} {{ i.price }}\n{% endfor %}", "html": "<p>{{ person.traits.name }}</p>"}}}""");
        var model = new TemplateModel(1, new JsonObject { ["name"] = "Ada" }, [],
            JsonNode.Parse("""{"items": [{"name": "a", "price": 1}, {"name": "b", "price": 2}, {"name": "c", "price": 3}]}""")!.AsObject(), new Dictionary<string, string>());
        var renders = new List<double>(20_000);
        for (var i = 0; i < 20_000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await TemplateRenderer.RenderAsync(template!, model);
            renders.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        renders.Sort();
        results["render_p50_us"] = Math.Round(Measure.Percentile(renders, 50), 1);
        results["render_p99_us"] = Math.Round(Measure.Percentile(renders, 99), 1);
        Console.WriteLine($"render   p50 {results["render_p50_us"]} µs, p99 {results["render_p99_us"]} µs");
        await app.StopAsync(CancellationToken.None);
        await provider.StopAsync(CancellationToken.None);
        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }
}
