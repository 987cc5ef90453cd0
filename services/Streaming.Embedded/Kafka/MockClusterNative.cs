using System.Runtime.InteropServices;
using System.Text;

namespace Streaming.Embedded.Kafka;

/// <summary>
/// The part of librdkafka's C API that starts and steers a mock cluster (rdkafka_mock.h).
/// Bound through function pointers on the handle <see cref="KafkaNative"/> loaded, so no
/// DllImport resolver of this assembly is involved.
/// </summary>
internal static unsafe class MockClusterNative
{
    private const int RdKafkaProducer = 0;
    private const int ConfOk = 0;
    private const int ErrorBufferSize = 512;

    private static readonly delegate* unmanaged<IntPtr> ConfNew = (delegate* unmanaged<IntPtr>)Export("rd_kafka_conf_new");
    private static readonly delegate* unmanaged<IntPtr, void> ConfDestroy = (delegate* unmanaged<IntPtr, void>)Export("rd_kafka_conf_destroy");
    private static readonly delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)Export("rd_kafka_conf_set");
    private static readonly delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr> KafkaNew = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)Export("rd_kafka_new");
    private static readonly delegate* unmanaged<IntPtr, void> KafkaDestroy = (delegate* unmanaged<IntPtr, void>)Export("rd_kafka_destroy");
    private static readonly delegate* unmanaged<IntPtr, int, IntPtr> ClusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)Export("rd_kafka_mock_cluster_new");
    private static readonly delegate* unmanaged<IntPtr, void> ClusterDestroy = (delegate* unmanaged<IntPtr, void>)Export("rd_kafka_mock_cluster_destroy");
    private static readonly delegate* unmanaged<IntPtr, IntPtr> ClusterBootstraps = (delegate* unmanaged<IntPtr, IntPtr>)Export("rd_kafka_mock_cluster_bootstraps");
    private static readonly delegate* unmanaged<IntPtr, byte*, int, int, int> TopicCreate = (delegate* unmanaged<IntPtr, byte*, int, int, int>)Export("rd_kafka_mock_topic_create");
    private static readonly delegate* unmanaged<IntPtr, int, int> BrokerSetDown = (delegate* unmanaged<IntPtr, int, int>)Export("rd_kafka_mock_broker_set_down");
    private static readonly delegate* unmanaged<IntPtr, int, int> BrokerSetUp = (delegate* unmanaged<IntPtr, int, int>)Export("rd_kafka_mock_broker_set_up");
    private static readonly delegate* unmanaged<IntPtr, int, int, int> BrokerSetRtt = (delegate* unmanaged<IntPtr, int, int, int>)Export("rd_kafka_mock_broker_set_rtt");
    private static readonly delegate* unmanaged<IntPtr, short, nuint, int*, void> PushRequestErrorsArray = (delegate* unmanaged<IntPtr, short, nuint, int*, void>)Export("rd_kafka_mock_push_request_errors_array");
    private static readonly delegate* unmanaged<IntPtr, int, void> GroupInitialRebalanceDelay = (delegate* unmanaged<IntPtr, int, void>)Export("rd_kafka_mock_group_initial_rebalance_delay_ms");

    /// <summary>Creates the rd_kafka_t that owns the cluster, then the cluster itself.</summary>
    public static (IntPtr Client, IntPtr Cluster) Create(int brokers, IReadOnlyDictionary<string, string> config)
    {
        var conf = ConfNew();
        var error = stackalloc byte[ErrorBufferSize];
        foreach (var (key, value) in config)
        {
            fixed (byte* k = Utf8(key), v = Utf8(value))
            {
                if (ConfSet(conf, k, v, error, ErrorBufferSize) != ConfOk)
                {
                    ConfDestroy(conf);
                    throw new InvalidOperationException($"librdkafka rejected '{key}={value}': {Marshal.PtrToStringUTF8((IntPtr)error)}");
                }
            }
        }

        // On success rd_kafka_new owns conf; on failure it is still ours.
        var client = KafkaNew(RdKafkaProducer, conf, error, ErrorBufferSize);
        if (client == IntPtr.Zero)
        {
            ConfDestroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)error)}");
        }

        var cluster = ClusterNew(client, brokers);
        if (cluster == IntPtr.Zero)
        {
            KafkaDestroy(client);
            throw new InvalidOperationException($"rd_kafka_mock_cluster_new failed for {brokers} broker(s); see librdkafka's log above.");
        }

        return (client, cluster);
    }

    public static void Destroy(IntPtr client, IntPtr cluster)
    {
        ClusterDestroy(cluster);
        KafkaDestroy(client);
    }

    public static string Bootstraps(IntPtr cluster) => Marshal.PtrToStringUTF8(ClusterBootstraps(cluster)) ?? "";

    public static int CreateTopic(IntPtr cluster, string topic, int partitions, int replicationFactor)
    {
        fixed (byte* name = Utf8(topic))
        {
            return TopicCreate(cluster, name, partitions, replicationFactor);
        }
    }

    public static int SetBrokerDown(IntPtr cluster, int brokerId) => BrokerSetDown(cluster, brokerId);

    public static int SetBrokerUp(IntPtr cluster, int brokerId) => BrokerSetUp(cluster, brokerId);

    public static int SetBrokerRtt(IntPtr cluster, int brokerId, int rttMs) => BrokerSetRtt(cluster, brokerId, rttMs);

    public static void PushRequestErrors(IntPtr cluster, short apiKey, ReadOnlySpan<int> errors)
    {
        fixed (int* codes = errors)
        {
            PushRequestErrorsArray(cluster, apiKey, (nuint)errors.Length, codes);
        }
    }

    public static void SetGroupInitialRebalanceDelay(IntPtr cluster, int delayMs) => GroupInitialRebalanceDelay(cluster, delayMs);

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value + '\0');

    private static IntPtr Export(string name) => NativeLibrary.GetExport(KafkaNative.Handle, name);
}
