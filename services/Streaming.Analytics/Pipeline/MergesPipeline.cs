using ClickHouse.Driver.Utility;
using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// identity.merges -> <c>person_overrides</c> (absorbed -> survivor). Refused merges change nothing.
/// Rows are keyed by the absorbed person (ReplacingMergeTree), so a replayed merge is stored once.
/// Persons that an absorbed person had itself absorbed earlier are re-pointed to the new survivor,
/// so queries need a single lookup.
/// </summary>
internal sealed class MergesPipeline(ClickHouseSession session, InsertBatchStep writer) : IConsumerHandler<IdentityMerge>
{
    public const string Table = "person_overrides";
    private static readonly string[] Columns = ["tenant", "absorbed_person_id", "survivor_person_id", "merge_id", "merged_at"];

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<IdentityMerge>> batch, CancellationToken cancellationToken)
    {
        var outcomes = new HandlerOutcome[batch.Count];
        var rows = new List<object[]>();
        for (var i = 0; i < batch.Count; i++)
        {
            var merge = batch[i].Value;
            if (merge.Outcome != MergeOutcome.Merged)
            {
                outcomes[i] = HandlerOutcome.Of(StepResult.Drop($"merge {merge.Outcome}: nothing to record"));
                continue;
            }
            var at = MapEventRowStep.Time(merge.At);
            rows.Add([merge.Tenant, merge.AbsorbedPersonId, merge.SurvivorPersonId, merge.MergeId, at]);
            foreach (var earlier in await AbsorbedByAsync(merge.Tenant, merge.AbsorbedPersonId, cancellationToken))
                rows.Add([merge.Tenant, earlier, merge.SurvivorPersonId, merge.MergeId, at]);
            outcomes[i] = HandlerOutcome.Done;
        }
        await writer.InsertAsync(Table, Columns, rows, InsertBatchStep.TokenFor(batch), cancellationToken);
        return outcomes;
    }

    private async Task<List<long>> AbsorbedByAsync(string tenant, long personId, CancellationToken cancellationToken)
    {
        using var connection = session.Connect();
        using var command = connection.CreateCommand(
            $"SELECT absorbed_person_id FROM {session.Database}.{Table} FINAL WHERE tenant = {{tenant:String}} AND survivor_person_id = {{person:Int64}}");
        command.AddParameter("tenant", tenant);
        command.AddParameter("person", personId);
        var found = new List<long>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
            found.Add(reader.GetInt64(0));
        return found;
    }
}
