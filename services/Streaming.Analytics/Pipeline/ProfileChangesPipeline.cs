using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// profiles.changes -> <c>tag_changes</c> (history; <c>tags_current</c> follows by a materialized
/// view) and <c>person_traits</c> (current traits). Rows are keyed by their change id
/// (ReplacingMergeTree), and inserts carry an offset-range token, so replays store nothing twice.
/// </summary>
internal sealed class ProfileChangesPipeline(InsertBatchStep writer) : IConsumerHandler<ProfileChange>
{
    private static readonly string[] TagColumns = ["tenant", "tag_id", "person_id", "entered", "at", "change_id"];
    private static readonly string[] TraitColumns = ["tenant", "person_id", "trait", "value", "updated_at", "change_id"];

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<ProfileChange>> batch, CancellationToken cancellationToken)
    {
        var outcomes = new HandlerOutcome[batch.Count];
        var tags = new List<object[]>();
        var traits = new List<object[]>();
        for (var i = 0; i < batch.Count; i++)
        {
            var change = batch[i].Value;
            var at = MapEventRowStep.Time(change.At);
            switch (change.Kind)
            {
                case ProfileChangeKind.TagEntered or ProfileChangeKind.TagLeft when !string.IsNullOrEmpty(change.TagId):
                    tags.Add([change.Tenant, change.TagId!, change.PersonId, (byte)(change.Kind == ProfileChangeKind.TagEntered ? 1 : 0), at, change.ChangeId]);
                    outcomes[i] = HandlerOutcome.Done;
                    break;
                case ProfileChangeKind.TraitChanged or ProfileChangeKind.ScoreChanged when !string.IsNullOrEmpty(change.Trait):
                    traits.Add([change.Tenant, change.PersonId, change.Trait!, change.NewValue ?? "null", at, change.ChangeId]);
                    outcomes[i] = HandlerOutcome.Done;
                    break;
                default:
                    outcomes[i] = HandlerOutcome.Of(StepResult.DeadLetter($"profile change '{change.Kind}' without the tagId/trait it needs"));
                    break;
            }
        }
        var token = InsertBatchStep.TokenFor(batch);
        await writer.InsertAsync("tag_changes", TagColumns, tags, token, cancellationToken);
        await writer.InsertAsync("person_traits", TraitColumns, traits, token, cancellationToken);
        return outcomes;
    }
}
