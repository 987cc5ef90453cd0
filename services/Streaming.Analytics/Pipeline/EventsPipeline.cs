using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// events.identified -> <c>events</c>, one batch of one partition at a time, top to bottom:
/// <list type="number">
/// <item>pace: small batches wait for the partition's flush interval (<see cref="FlushPacing"/>);</item>
/// <item>fence: after a restart/replay, leave out offsets already stored (<see cref="FenceStoredOffsetsStep"/>);</item>
/// <item>map: one row per event (<see cref="MapEventRowStep"/>);</item>
/// <item>insert: one bulk insert with a token from the offset range (<see cref="InsertBatchStep"/>).</item>
/// </list>
/// Each event's fate is a <see cref="StepResult"/> (stored, dropped as already stored, dead-lettered
/// when malformed). The runtime commits the offsets only after this returns, i.e. after ClickHouse acknowledged the insert.
/// </summary>
internal sealed class EventsPipeline(ClickHouseSession session, InsertBatchStep writer, FlushPacing pacing, ILogger<EventsPipeline>? logger = null) : IConsumerHandler<IdentifiedEvent>
{
    public const string Table = "events";
    private static readonly StepResult AlreadyStored = StepResult.Drop("already stored (replayed offset)");
    private readonly FenceStoredOffsetsStep _fence = new();
    private readonly ILogger _log = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<IdentifiedEvent>> batch, CancellationToken cancellationToken)
    {
        var first = batch[0];
        var last = batch[^1];
        await pacing.WaitAsync(first.Topic, first.Partition, batch.Count, cancellationToken);

        var outcomes = new HandlerOutcome[batch.Count];
        HashSet<long> stored;
        using (var connection = session.Connect())
            stored = await _fence.StoredAsync(connection, $"{session.Database}.{Table}", first.FenceKey, first.Incarnation, first.Partition, first.Offset, last.Offset, cancellationToken);
        if (stored.Count > 0)
        {
            // One line per batch: a replay skips whole batches.
            _log.LogInformation("Analytics skips {Count} event(s) of {Fence} already stored (offsets {First}-{Last} replayed)",
                stored.Count, first.FenceKey, first.Offset, last.Offset);
        }

        var rows = new List<object[]>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            if (stored.Contains(message.Offset))
            {
                outcomes[i] = HandlerOutcome.Of(AlreadyStored);
                continue;
            }
            var row = MapEventRowStep.Run(message);
            if (row.Continues)
                rows.Add(row.Value!);
            outcomes[i] = HandlerOutcome.Of(row.WithoutValue());
        }

        await writer.InsertAsync(Table, MapEventRowStep.Columns, rows,
            InsertBatchStep.TokenFor(first.FenceKey, first.Offset, last.Offset), cancellationToken);
        _fence.Advance(first.FenceKey, last.Offset);
        pacing.Flushed(first.Topic, first.Partition);
        return outcomes;
    }
}
