using Streaming.Embedded.Kafka;

namespace Streaming.Tests.Helpers;

/// <summary>
/// Kafka for one test bed, with its topics: a fresh embedded mock cluster, or with
/// STREAMING_TEST_INFRA=containers the topics on one Kafka container shared by the test process
/// (topic names are unique per bed, so beds do not see each other's messages).
/// </summary>
public sealed class TestKafka : IDisposable
{
    // One container per test process: a broker takes seconds to start, a topic milliseconds.
    private static readonly Lazy<Task<ITestInfrastructure>> SharedContainer =
        new(() => ContainerInfrastructure.StartAsync(TestServers.Kafka, dockerEndpoint: null));

    private readonly EmbeddedKafka? _embedded;

    private TestKafka(string bootstrapServers, EmbeddedKafka? embedded)
    {
        BootstrapServers = bootstrapServers;
        this._embedded = embedded;
    }

    public string BootstrapServers { get; }

    /// <summary>
    /// The mock cluster's fault injection (brokers down, failed requests). Only the embedded
    /// cluster has it, so a bed that needs it is started with <c>injectsFaults: true</c> and runs
    /// embedded whatever the switch says.
    /// </summary>
    public EmbeddedKafka Faults => _embedded
        ?? throw new InvalidOperationException("This scenario injects broker faults: start its TestKafka with injectsFaults: true (it then runs on the embedded mock cluster).");

    public static TestKafka Start(IEnumerable<(string Topic, int Partitions)> topics, bool injectsFaults = false)
    {
        if (TestInfra.Selected == TestInfraKind.Containers && !injectsFaults)
        {
            var container = SharedContainer.Value.GetAwaiter().GetResult();
            container.CreateTopicsAsync(topics).GetAwaiter().GetResult();
            return new TestKafka(container.KafkaBootstrapServers, null);
        }
        var kafka = EmbeddedKafka.Start(1, topics);
        return new TestKafka(kafka.BootstrapServers, kafka);
    }

    public void Dispose() => _embedded?.Dispose();
}
