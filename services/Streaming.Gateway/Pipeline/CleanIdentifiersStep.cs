using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Removes placeholder identifiers (see <see cref="IdentifierBlocklist"/>) with a warning; refuses
/// the event only when neither userId nor anonymousId is left.
/// </summary>
public sealed class CleanIdentifiersStep(IdentifierBlocklist blocklist) : IPipelineStep<EventDraft, RequestScope>
{
    public StepResult Run(EventDraft draft, RequestScope scope)
    {
        draft.UserId = Clean(draft.UserId, "userId", draft, scope);
        draft.AnonymousId = Clean(draft.AnonymousId, "anonymousId", draft, scope);
        draft.GroupId = Clean(draft.GroupId, "groupId", draft, scope);
        if (draft.UserId is null && draft.AnonymousId is null)
            return Rejected.Because(IdentifierBlocklist.MissingIdentifierError);
        return StepResult.Continue;
    }

    private string? Clean(string? value, string field, EventDraft draft, RequestScope scope)
    {
        if (value is null || blocklist.Reason(value) is not { } why)
            return value;
        var shown = value.Length <= 40 ? value : value[..40] + "…";
        scope.Warn(draft.Index, field, ValidationCodes.JunkIdentifier, $"\"{shown}\" is a placeholder, not an identifier ({why}); removed");
        return null;
    }
}
