using System.Text;

namespace Streaming.Contracts.Topics;

/// <summary>
/// Kafka's default partitioner for keyed messages (Java client, librdkafka's murmur2, the platform's
/// producer setting): the embedded journal picks partitions with it, and durable timers find the
/// partition (hence the instance) that owns a key with it, so both must agree with every Kafka client.
/// </summary>
public static class KafkaPartitioner
{
    public static int PartitionOf(string key, int partitions) => PartitionOf(Encoding.UTF8.GetBytes(key), partitions);

    public static int PartitionOf(ReadOnlySpan<byte> key, int partitions) => (int)((Murmur2(key) & 0x7fffffff) % (uint)partitions);

    private static uint Murmur2(ReadOnlySpan<byte> data)
    {
        const uint seed = 0x9747b28c;
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = seed ^ (uint)length;
        var i = 0;
        for (; i + 4 <= length; i += 4)
        {
            var k = (uint)(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        switch (length - i)
        {
            case 3:
                h ^= (uint)data[i + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[i + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[i];
                h *= m;
                break;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return h;
    }
}
