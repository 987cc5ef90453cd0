using Streaming.Contracts.Records;

namespace Streaming.Analytics.Pipeline;

/// <summary>journeys.events -> <c>journey_events</c> (campaign reports), keyed by the journey event's id.</summary>
internal sealed class JourneyEventsPipeline(InsertBatchStep writer)
    : RowSinkPipeline<JourneyEvent>(writer, "journey_events", ["tenant", "journey_id", "step_id", "person_id", "kind", "at", "event_id", "instance_id", "version", "detail"])
{
    protected override object[] Row(JourneyEvent e) =>
        [e.Tenant, e.JourneyId, e.StepId ?? "", e.PersonId, e.Kind, MapEventRowStep.Time(e.At), e.EventId, e.InstanceId, e.Version, e.Detail ?? ""];
}
