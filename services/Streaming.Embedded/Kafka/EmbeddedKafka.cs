using System.Globalization;
using Confluent.Kafka;

namespace Streaming.Embedded.Kafka;

/// <summary>
/// An in-process Kafka: librdkafka's mock cluster, speaking the real Kafka protocol on
/// 127.0.0.1 ports with everything held in memory. Any Kafka client connects to
/// <see cref="BootstrapServers"/>; topics are created here, not through the Admin API
/// (the mock has no controller, so CreateTopics fails).
/// </summary>
public sealed class EmbeddedKafka : IDisposable
{
    /// <summary>Broker id that addresses every broker at once.</summary>
    public const int AllBrokers = -1;

    private readonly Lock _gate = new();
    private readonly IntPtr _client;
    private readonly IntPtr _cluster;
    private bool _disposed;

    private EmbeddedKafka(int brokers, IntPtr client, IntPtr cluster)
    {
        BrokerCount = brokers;
        this._client = client;
        this._cluster = cluster;
        BootstrapServers = MockClusterNative.Bootstraps(cluster);
    }

    /// <summary>Comma-separated 127.0.0.1 listeners of the mock brokers.</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers and the given topics.</summary>
    public static EmbeddedKafka Start(int brokers, IEnumerable<(string Topic, int Partitions)> topics) =>
        Start(new EmbeddedKafkaOptions
        {
            Brokers = brokers,
            Topics = topics.Select(t => new EmbeddedTopic(t.Topic, t.Partitions)).ToList(),
        });

    public static EmbeddedKafka Start(EmbeddedKafkaOptions? options = null)
    {
        options ??= new EmbeddedKafkaOptions();
        if (options.Brokers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Brokers, "EmbeddedKafkaOptions.Brokers must be at least 1.");
        }

        KafkaNative.EnsureLoaded();
        var config = new Dictionary<string, string>
        {
            ["client.id"] = "streaming-embedded-kafka",
            // The owning client never connects anywhere; only warnings and errors are worth seeing.
            ["log_level"] = "4",
        };
        var (client, cluster) = MockClusterNative.Create(options.Brokers, config);
        var kafka = new EmbeddedKafka(options.Brokers, client, cluster);
        try
        {
            MockClusterNative.SetGroupInitialRebalanceDelay(cluster, (int)options.GroupInitialRebalanceDelay.TotalMilliseconds);
            foreach (var topic in options.Topics)
            {
                kafka.CreateTopic(topic.Name, topic.Partitions);
            }

            return kafka;
        }
        catch
        {
            kafka.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a topic with <paramref name="partitions"/> partitions, replicated on up to three
    /// brokers. Throws when it exists already.
    /// </summary>
    public void CreateTopic(string name, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (partitions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"Topic '{name}' needs at least one partition.");
        }

        var replicationFactor = Math.Min(3, BrokerCount);
        var code = Call(() => MockClusterNative.CreateTopic(_cluster, name, partitions, replicationFactor));
        ThrowOnError(code, $"create topic '{name}' with {partitions} partition(s)");
    }

    /// <summary>
    /// Disconnects the broker and refuses new connections until <see cref="SetBrokerUp"/>;
    /// partition leadership does not move. Use <see cref="AllBrokers"/> for the whole cluster.
    /// </summary>
    public void SetBrokerDown(int brokerId) =>
        ThrowOnError(Call(() => MockClusterNative.SetBrokerDown(_cluster, brokerId)), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) =>
        ThrowOnError(Call(() => MockClusterNative.SetBrokerUp(_cluster, brokerId)), $"set broker {brokerId} up");

    /// <summary>Delays every response of the broker by <paramref name="roundTrip"/>.</summary>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTrip) =>
        ThrowOnError(
            Call(() => MockClusterNative.SetBrokerRtt(_cluster, brokerId, (int)roundTrip.TotalMilliseconds)),
            $"set broker {brokerId} round-trip time");

    /// <summary>
    /// Makes the next <paramref name="errors"/>.Length requests of type <paramref name="api"/>,
    /// on any broker, fail with these errors, in order. <see cref="ErrorCode.Local_Transport"/>
    /// makes the broker drop the connection instead.
    /// </summary>
    public void FailNextRequests(KafkaApiKey api, params ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        Call(() =>
        {
            MockClusterNative.PushRequestErrors(_cluster, (short)api, codes);
            return 0;
        });
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            MockClusterNative.Destroy(_client, _cluster);
        }
    }

    private int Call(Func<int> action)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return action();
        }
    }

    private static void ThrowOnError(int code, string what)
    {
        if (code != 0)
        {
            var error = new Error((ErrorCode)code);
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"Embedded Kafka could not {what}: {error.Code} ({error.Reason})."));
        }
    }
}
