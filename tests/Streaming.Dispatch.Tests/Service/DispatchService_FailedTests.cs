using Confluent.Kafka;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Tests.Providers;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Dispatch.Tests.Service;

public sealed class DispatchService_FailedTests : IAsyncLifetime
{
    private DispatchFixture _host = null!;

    // The provider is down for the first three attempts, then back: what a redrive is for.
    public async Task InitializeAsync() => _host = await DispatchFixture.StartAsync((n, c) => n <= 3 ? ProviderServer.Status(c, 503) : ProviderServer.Accept(c), maxAttempts: 3);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Dispatch_announces_a_failed_receipt_dead_letters_the_request_and_sends_it_once_when_redriven()
    {
        await _host.PutTemplateAsync("welcome", """{"channel": "sms", "variants": {"en": {"text": "Hi"}}}""");
        await _host.PutContactAsync(9, "+4915100000009");

        await _host.SendAsync(DispatchFixture.Request("fail-9", 9));

        var receipt = await _host.WaitForReceiptAsync("fail-9", ReceiptStatus.Failed);
        Assert.Contains("primary: HTTP 503", receipt.Error);
        Assert.Equal(3, _host.Provider.Count);

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _host.Kafka.BootstrapServers,
            GroupId = "dlq-reader",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(TopicCatalog.Dispatch("sms").DeadLetterName);
        var dead = consumer.Consume(TimeSpan.FromSeconds(30));
        Assert.NotNull(dead);
        Assert.Contains("every provider failed", DeadLetterHeaders.Read(dead.Message.Headers, DeadLetterHeaders.Reason));
        Assert.Equal("fail-9", SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.Dispatch("sms"), dead.Message.Value).RequestId);

        // The provider is back: the redrive command puts the request back on dispatch.sms, and it is sent once.
        using var output = new StringWriter();
        Assert.Equal(0, await Streaming.Cli.Commands.RunAsync(["redrive", "dispatch.sms", "--kafka", _host.Kafka.BootstrapServers], output, output, CancellationToken.None));
        Assert.Contains("moved 1 message", output.ToString(), StringComparison.Ordinal);
        var sent = await _host.WaitForReceiptAsync("fail-9", ReceiptStatus.Sent);
        Assert.StartsWith("pm-", sent.ProviderMessageId);
        Assert.Equal(4, _host.Provider.Count);
        using var again = new StringWriter();
        Assert.Equal(0, await Streaming.Cli.Commands.RunAsync(["redrive", "dispatch.sms", "--kafka", _host.Kafka.BootstrapServers], again, again, CancellationToken.None));
        Assert.Contains("moved 0 message", again.ToString(), StringComparison.Ordinal);
    }
}
