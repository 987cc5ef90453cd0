using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Delivery;
using Streaming.Dispatch.Pipeline;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Dispatch.Tests.Service;

public sealed class DispatchService_RedeliveryTests : IAsyncLifetime
{
    private DispatchFixture _host = null!;

    public async Task InitializeAsync() => _host = await DispatchFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Dispatch_sends_nothing_twice_when_the_whole_topic_is_delivered_again()
    {
        await _host.PutTemplateAsync("welcome", """{"channel": "sms", "variants": {"en": {"text": "Hi"}}}""");
        const int people = 30;
        for (var p = 1; p <= people; p++)
            await _host.PutContactAsync(p, $"+49151{p:D8}");
        await _host.SendAsync([.. Enumerable.Range(1, people).Select(p => DispatchFixture.Request($"req-{p}", p))]);
        await DispatchFixture.WaitUntilAsync(() => _host.Receipts.Count(r => r.Status == ReceiptStatus.Sent) == people, TimeSpan.FromSeconds(60), "every request to be sent");
        var receiptIds = _host.Receipts.Select(r => r.ReceiptId).ToHashSet();
        Assert.Equal(people, _host.Provider.Count);

        // A second consumer group reads dispatch.sms from the start with the service's own handler:
        // what a restart without committed offsets, or a second instance, would see.
        var services = _host.App.Services;
        var handler = new CountingHandler<DispatchRequest>(services.GetRequiredService<DispatchPipeline>());
        var replay = new ConsumerRuntime<DispatchRequest>(new Subscription<DispatchRequest>(TopicCatalog.Dispatch("sms"), "dispatch-replay"),
            handler, services.GetRequiredService<Streaming.Contracts.Avro.TopicSerdes>(), services.GetRequiredService<IEventProducer>(),
            services.GetRequiredService<IOptions<KafkaOptions>>().Value, TimeProvider.System, NullLoggerFactory.Instance);
        await replay.StartAsync(CancellationToken.None);
        try
        {
            await DispatchFixture.WaitUntilAsync(() => handler.Seen >= people, TimeSpan.FromSeconds(60), "the replay to finish");
        }
        finally
        {
            await replay.StopAsync(CancellationToken.None);
        }
        await DispatchFixture.WaitUntilAsync(() => _host.Receipts.Count(r => r.Status == ReceiptStatus.Sent) == 2 * people, TimeSpan.FromSeconds(60), "the replay's receipts");

        Assert.Equal(people, _host.Provider.Count);
        Assert.All(_host.Receipts, r => Assert.Contains(r.ReceiptId, receiptIds));
    }

    [Fact]
    public async Task Dispatch_does_not_send_again_a_request_whose_process_died_between_provider_call_and_record()
    {
        await _host.PutTemplateAsync("welcome", """{"channel": "sms", "variants": {"en": {"text": "Hi"}}}""");
        await _host.PutContactAsync(5, "+4915100000005");
        // The record a process leaves when it dies after calling the provider and before recording the answer, ten minutes ago.
        using var redis = await ConnectionMultiplexer.ConnectAsync(_host.Redis.ClientConfiguration);
        var crashed = new SendLedger(redis, new ShiftedTime(TimeSpan.FromMinutes(-10)));
        Assert.Null(await crashed.TryBeginAsync(DispatchFixture.Tenant, "crashed-5"));

        await _host.SendAsync(DispatchFixture.Request("crashed-5", 5));

        var receipt = await _host.WaitForReceiptAsync("crashed-5", ReceiptStatus.Failed);
        Assert.StartsWith("in-doubt", receipt.Error);
        Assert.Equal(0, _host.Provider.Count);
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
