using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// journeys.events -> <c>journey_events</c> (campaign reports). Rows are keyed by their event id
/// (ReplacingMergeTree) and inserts carry an offset-range token, so replays store nothing twice.
/// </summary>
internal sealed class JourneyEventsPipeline(InsertBatchStep writer) : IConsumerHandler<JourneyEvent>
{
    private static readonly string[] Columns = ["tenant", "journey_id", "step_id", "person_id", "kind", "at", "event_id", "instance_id", "version", "detail"];

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<JourneyEvent>> batch, CancellationToken cancellationToken)
    {
        var rows = new List<object[]>(batch.Count);
        foreach (var message in batch)
        {
            var e = message.Value;
            rows.Add([e.Tenant, e.JourneyId, e.StepId ?? "", e.PersonId, e.Kind, MapEventRowStep.Time(e.At), e.EventId, e.InstanceId, e.Version, e.Detail ?? ""]);
        }
        var first = batch[0];
        await writer.InsertAsync("journey_events", Columns, rows, InsertBatchStep.TokenFor(first.FenceKey, first.Offset, batch[^1].Offset), cancellationToken);
        return [.. batch.Select(_ => HandlerOutcome.Done)];
    }
}
