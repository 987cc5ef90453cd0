using System.Globalization;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Identity.Graph;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Identity.Pipeline;

/// <summary>
/// Step 3: the identified event (keyed tenant + personId, with the identifiers as linked) and one <see cref="IdentityMerge"/> per
/// merge or refused merge the event caused (keyed tenant + survivor). Merge ids derive from the
/// cause (tenant, messageId, index), so a redelivery or a replay publishes the same ids.
/// </summary>
public static class EmitOutputsStep
{
    public static IReadOnlyList<OutboundMessage> Run(TrackingEvent e, StitchResult result, IReadOnlyList<string> identifiers)
    {
        var outputs = new List<OutboundMessage>(1 + result.Merges.Count);
        foreach (var merge in result.Merges)
        {
            var survivor = long.Parse(merge.Survivor, CultureInfo.InvariantCulture);
            outputs.Add(OutboundMessage.Create(TopicCatalog.IdentityMerges, PartitionKey.For(e.Tenant, survivor), new IdentityMerge
            {
                MergeId = MergeIdOf(e.Tenant, e.MessageId, merge.Index),
                Tenant = e.Tenant,
                Outcome = merge.Outcome,
                SurvivorPersonId = survivor,
                AbsorbedPersonId = long.Parse(merge.Absorbed, CultureInfo.InvariantCulture),
                Reason = merge.Reason,
                CauseMessageId = e.MessageId,
                IdentifierType = merge.IdentifierType,
                IdentifierValue = merge.IdentifierValue,
                At = long.Parse(merge.At, CultureInfo.InvariantCulture),
            }));
        }
        outputs.Add(OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(e.Tenant, result.PersonId), new IdentifiedEvent(result.PersonId, e) { Identifiers = identifiers }));
        return outputs;
    }

    public static string MergeIdOf(string tenant, string messageId, string index) => DeterministicId.From("identity.merge", tenant, messageId, index);
}
