using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Streaming.ServiceDefaults.Consumers;

/// <summary>Headers a dead-lettered message carries: why, how often tried, and where it came from.</summary>
public static class DeadLetterHeaders
{
    public const string Reason = "dlq.reason";
    public const string Attempts = "dlq.attempts";
    public const string OriginTopic = "dlq.origin.topic";
    public const string OriginPartition = "dlq.origin.partition";
    public const string OriginOffset = "dlq.origin.offset";
    public const string Subscription = "dlq.subscription";
    public const string FailedAt = "dlq.failed-at";

    public static Headers Create(Headers? original, string reason, int attempts, TopicPartitionOffset origin, string subscription, DateTimeOffset now)
    {
        var headers = new Headers();
        if (original is not null)
        {
            foreach (var header in original)
                headers.Add(header.Key, header.GetValueBytes());
        }
        Add(headers, Reason, reason);
        Add(headers, Attempts, attempts.ToString(CultureInfo.InvariantCulture));
        Add(headers, OriginTopic, origin.Topic);
        Add(headers, OriginPartition, origin.Partition.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, OriginOffset, origin.Offset.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, Subscription, subscription);
        Add(headers, FailedAt, now.ToString("O", CultureInfo.InvariantCulture));
        return headers;
    }

    public static string? Read(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static void Add(Headers headers, string name, string value) => headers.Add(name, Encoding.UTF8.GetBytes(value));
}
