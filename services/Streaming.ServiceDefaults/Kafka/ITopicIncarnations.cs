namespace Streaming.ServiceDefaults.Kafka;

/// <summary>
/// Which incarnation of a topic a consumer reads. Offsets only mean something within one
/// incarnation: a topic that is deleted and created again (or an embedded broker whose log was
/// lost) starts again at offset 0, so every offset fence is keyed by (topic, incarnation,
/// partition) and a fence of an earlier incarnation never hides new data.
/// </summary>
/// <remarks>
/// On a real Kafka the incarnation is the broker's topic id; the standalone host keeps its own
/// id per topic with its durable log, so it stays the same across restarts of the process.
/// </remarks>
public interface ITopicIncarnations
{
    /// <summary>A short stable text for the topic's current incarnation (never empty).</summary>
    ValueTask<string> GetAsync(string topic, CancellationToken cancellationToken = default);
}
