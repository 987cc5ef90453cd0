using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>
/// The incarnation of a topic on Kafka: the topic id the broker gives a topic when it is created
/// (KIP-516, brokers 2.8+). A topic deleted and created again gets a new id, so fences of the old
/// one no longer apply. librdkafka's mock cluster gives every topic a random id as well: each
/// embedded cluster is a new incarnation of its topics.
/// </summary>
/// <remarks>
/// Asked when a partition is assigned, not per message. On a secured cluster the id comes from the
/// Admin API (DescribeTopics). Without security (local brokers, the embedded mock) it is read from a
/// plain Metadata request (v12), the same field DescribeTopics returns: the mock has no controller,
/// and DescribeTopics waits for one until it times out. A broker too old for topic ids answers the
/// zero id; <see cref="Legacy"/> then stands for every incarnation, the behaviour before ids.
/// </remarks>
public sealed class KafkaTopicIncarnations : ITopicIncarnations, IDisposable
{
    /// <summary>What a broker without topic ids (older than 2.8) stands for: every incarnation alike.</summary>
    public const string Legacy = "legacy";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly KafkaOptions _options;
    private readonly Lazy<IAdminClient> _admin;

    public KafkaTopicIncarnations(IOptions<KafkaOptions> options)
        : this(options.Value)
    {
    }

    public KafkaTopicIncarnations(KafkaOptions options)
    {
        _options = options;
        _admin = new(() => new AdminClientBuilder(KafkaClientConfig.Admin(options, "topic-incarnations")).Build());
    }

    public async ValueTask<string> GetAsync(string topic, CancellationToken cancellationToken = default)
    {
        var plaintext = _options.SecurityProtocol is null
            || string.Equals(_options.SecurityProtocol, nameof(SecurityProtocol.Plaintext), StringComparison.OrdinalIgnoreCase);
        var id = plaintext ? await MetadataTopicId.ReadAsync(_options.BootstrapServers, topic, RequestTimeout, cancellationToken) : await DescribeAsync(topic);
        return id.AsSpan().IndexOfAnyExcept('0') < 0 ? Legacy : id;
    }

    private async Task<string> DescribeAsync(string topic)
    {
        var result = await _admin.Value.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]),
            new DescribeTopicsOptions { RequestTimeout = RequestTimeout });
        var description = result.TopicDescriptions.Single();
        if (description.Error.IsError)
            throw new KafkaException(description.Error);
        var id = description.TopicId;
        if (id is null)
            return "";
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, id.MostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], id.LeastSignificantBits);
        return Convert.ToHexStringLower(bytes);
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
            _admin.Value.Dispose();
    }
}

/// <summary>
/// One Kafka Metadata request (API 3, version 12, flexible encoding) for one topic, answering its
/// topic id in hex. Only what is needed is read: brokers, cluster id and controller are skipped.
/// </summary>
internal static class MetadataTopicId
{
    private const short MetadataApi = 3;
    private const short Version = 12;

    public static async Task<string> ReadAsync(string bootstrapServers, string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var first = bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var colon = first.LastIndexOf(':');
        var host = first[..colon].Trim('[', ']');
        var port = int.Parse(first[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port, deadline.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Request(topic), deadline.Token);
        var size = new byte[4];
        await stream.ReadExactlyAsync(size, deadline.Token);
        var response = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(response, deadline.Token);
        return Parse(response, topic);
    }

    private static byte[] Request(string topic)
    {
        var body = new List<byte>();
        void Int16(short v) { body.Add((byte)(v >> 8)); body.Add((byte)v); }
        void Int32(int v) { for (var s = 24; s >= 0; s -= 8) body.Add((byte)(v >> s)); }
        void UVarint(uint v) { while (v >= 0x80) { body.Add((byte)(v | 0x80)); v >>= 7; } body.Add((byte)v); }
        var clientId = "topic-incarnations"u8.ToArray();
        var name = Encoding.UTF8.GetBytes(topic);
        Int16(MetadataApi);
        Int16(Version);
        Int32(1); // correlation id
        Int16((short)clientId.Length);
        body.AddRange(clientId);
        UVarint(0); // header tagged fields
        UVarint(2); // one topic
        body.AddRange(new byte[16]); // topic id: none, asked by name
        UVarint((uint)name.Length + 1);
        body.AddRange(name);
        UVarint(0); // topic tagged fields
        body.Add(0); // allow_auto_topic_creation
        body.Add(0); // include_topic_authorized_operations
        UVarint(0); // tagged fields
        var message = new byte[4 + body.Count];
        BinaryPrimitives.WriteInt32BigEndian(message, body.Count);
        body.CopyTo(message, 4);
        return message;
    }

    private static string Parse(byte[] data, string topic)
    {
        var at = 4; // correlation id
        SkipTags(data, ref at);
        at += 4; // throttle
        var brokers = (int)UVarint(data, ref at) - 1;
        for (var b = 0; b < brokers; b++)
        {
            at += 4; // node id
            SkipString(data, ref at); // host
            at += 4; // port
            SkipString(data, ref at); // rack
            SkipTags(data, ref at);
        }
        SkipString(data, ref at); // cluster id
        at += 4; // controller id
        var topics = (int)UVarint(data, ref at) - 1;
        if (topics < 1)
            throw new InvalidDataException($"Kafka answered no metadata for topic {topic}.");
        var error = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(at));
        at += 2;
        SkipString(data, ref at); // name
        if (error != 0)
            throw new KafkaException((ErrorCode)error);
        return Convert.ToHexStringLower(data.AsSpan(at, 16));
    }

    private static uint UVarint(byte[] data, ref int at)
    {
        uint value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
    }

    private static void SkipString(byte[] data, ref int at)
    {
        var length = (int)UVarint(data, ref at) - 1;
        if (length > 0)
            at += length;
    }

    private static void SkipTags(byte[] data, ref int at)
    {
        var count = UVarint(data, ref at);
        for (var i = 0; i < count; i++)
        {
            UVarint(data, ref at);
            at += (int)UVarint(data, ref at);
        }
    }
}
