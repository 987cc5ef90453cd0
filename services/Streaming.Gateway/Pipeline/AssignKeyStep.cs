using Streaming.Contracts;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>Keys the event by tenant + (userId, else anonymousId), so one person's events stay in order on one partition.</summary>
public sealed class AssignKeyStep : IPipelineStep<EventDraft, RequestScope>
{
    public StepResult Run(EventDraft draft, RequestScope scope)
    {
        draft.Key = PartitionKey.For(scope.Source.Tenant, draft.UserId ?? draft.AnonymousId!);
        return StepResult.Continue;
    }
}
