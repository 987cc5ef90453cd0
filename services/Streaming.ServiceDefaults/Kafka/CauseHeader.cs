using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Streaming.ServiceDefaults.Kafka;

/// <summary>
/// The <c>streaming-cause</c> header: the position ("topic/partition@incarnation/offset") of the
/// consumed message an output was made from. The consumer runtime stamps it on every output, so a
/// downstream consumer can fence by its upstream's position: an upstream that handles a message
/// again after a crash re-emits its outputs at new offsets, but with the same cause.
/// </summary>
public static class CauseHeader
{
    public const string Name = "streaming-cause";

    /// <summary>A cause: the upstream fence key ("topic/partition@incarnation"), its topic and partition, and the offset.</summary>
    public readonly record struct Cause(string FenceKey, string Topic, int Partition, long Offset);

    public static void Add(Headers headers, string position) => headers.Add(Name, Encoding.UTF8.GetBytes(position));

    /// <summary>The cause in <paramref name="headers"/>, or null when there is none (or it is unreadable).</summary>
    public static Cause? Read(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(Name, out var bytes) || bytes is null)
            return null;
        var position = Encoding.UTF8.GetString(bytes);
        var offsetAt = position.LastIndexOf('/');
        if (offsetAt <= 0 || !long.TryParse(position.AsSpan(offsetAt + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            return null;
        var fenceKey = position[..offsetAt];
        var partitionAt = fenceKey.LastIndexOf('/');
        if (partitionAt <= 0)
            return null;
        var partitionText = fenceKey.AsSpan(partitionAt + 1);
        var incarnationAt = partitionText.IndexOf('@');
        if (incarnationAt >= 0)
            partitionText = partitionText[..incarnationAt];
        return int.TryParse(partitionText, NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? new Cause(fenceKey, fenceKey[..partitionAt], partition, offset)
            : null;
    }
}
