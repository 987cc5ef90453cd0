using System.Diagnostics;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Gateway.Enrichment;
using Streaming.Gateway.Ingestion;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Pipeline;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// The gateway's data flow, top to bottom. HTTP and gRPC both call <see cref="IngestAsync"/>, so
/// both get the same limits, validation, enrichment and answers.
/// <list type="number">
/// <item>parse the body (request and batch limits, JSON position on errors)</item>
/// <item>authenticate the write key, then admit the events against its rate limit</item>
/// <item>per event: validate, clean identifiers, enrich, hash PII, assign the key (one <see cref="StepSequence{TItem, TScope}"/>)</item>
/// <item>deliver accepted and refused events to Kafka and answer after the acknowledgement</item>
/// </list>
/// Every step answers a <see cref="StepResult"/>: a request step refuses the whole request (the
/// <see cref="IngestFailure"/> is the detail), an event step dead-letters the event to events.rejected
/// (the validation errors are the detail) or drops it (with a warning in the answer).
/// </summary>
public sealed class IngestPipeline(
    ParseBodyStep parse,
    AuthenticateSourceStep authenticate,
    ApplyRateLimitStep rateLimit,
    ValidateEventStep validate,
    CleanIdentifiersStep cleanIdentifiers,
    EnrichEventStep enrich,
    HashPiiStep hashPii,
    AssignKeyStep key,
    DeliverEventsStep deliver,
    ClientIp clientIp,
    GatewayMetrics metrics,
    TopicSerdes serdes,
    TimeProvider time)
{
    private readonly StepSequence<EventDraft, RequestScope> _eventSteps = new(validate, cleanIdentifiers, enrich, hashPii, key);

    public async Task<IngestResult> IngestAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        using var activity = StreamingTelemetry.Source.StartActivity("gateway.ingest");
        var receivedAt = time.GetUtcNow().ToUnixTimeMilliseconds();

        var parsed = parse.Run(request);
        if (!parsed.Continues)
            return Refuse(parsed.WithoutValue());
        using var batch = parsed.Value!;

        var source = authenticate.Run(request, batch);
        if (!source.Continues)
            return Refuse(source.WithoutValue());
        var admitted = rateLimit.Run(source.Value!, batch);
        if (!admitted.Continues)
            return Refuse(admitted.WithoutValue());

        var scope = new RequestScope
        {
            Source = source.Value!,
            ReceivedAt = receivedAt,
            ClientIp = clientIp.Resolve(request.PeerAddress, request.ForwardedFor),
            Batch = batch,
        };
        activity?.SetTag("tenant", scope.Source.Tenant).SetTag("source", scope.Source.Id).SetTag("events", batch.Events.Count);

        var messages = new List<OutboundMessage>(batch.Events.Count);
        var rejected = new List<EventRejection>();
        var accepted = 0;
        var dropped = 0;
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var draft = new EventDraft(i, batch.Events[i]);
            var outcome = _eventSteps.Run(draft, scope);
            switch (outcome.Verdict)
            {
                case StepVerdict.Continue:
                    messages.Add(new OutboundMessage(TopicCatalog.EventsRaw, draft.Key, draft.Encode(scope, serdes.For(TopicCatalog.EventsRaw).WriterSchemaId)));
                    foreach (var contact in draft.Contacts ?? [])
                        messages.Add(OutboundMessage.Create(TopicCatalog.ContactsSealed, ContactCapture.KeyOf(contact), contact));
                    accepted++;
                    break;
                case StepVerdict.DeadLetter:
                    rejected.Add(new EventRejection(i, draft.MessageId, Rejected.Errors(outcome)));
                    messages.Add(DeadLetter(draft, outcome, scope));
                    break;
                default:
                    // Dropped on purpose (a bot on a source that drops bots): the step warned the sender why.
                    dropped++;
                    break;
            }
        }

        var answer = new IngestAnswer(accepted, rejected, scope.Warnings);
        var result = await deliver.RunAsync(messages, answer, cancellationToken);
        if (result.Answer is not null)
        {
            metrics.Accepted(scope.Source.Tenant, accepted);
            foreach (var rejection in rejected)
                metrics.Rejected(scope.Source.Tenant, rejection.Errors[0].Code);
            if (dropped > 0)
                metrics.Dropped(scope.Source.Tenant, dropped);
        }
        return result;
    }

    /// <summary>A refused event for events.rejected: the reasons and its raw JSON (PII hashed).</summary>
    private OutboundMessage DeadLetter(EventDraft draft, StepResult rejected, RequestScope scope)
    {
        var errors = Rejected.Errors(rejected);
        var record = new RejectedEvent
        {
            Tenant = scope.Source.Tenant,
            Source = scope.Source.Id,
            MessageId = draft.MessageId,
            ReceivedAt = scope.ReceivedAt,
            ReasonCode = errors[0].Code,
            Message = rejected.Reason!,
            Errors = errors,
            RawPayload = hashPii.RawPayload(draft, scope),
        };
        return OutboundMessage.Create(TopicCatalog.EventsRejected, PartitionKey.For(scope.Source.Tenant, scope.Source.Id), record);
    }

    private IngestResult Refuse(StepResult refusal)
    {
        var failure = (IngestFailure)refusal.Detail!;
        metrics.Failed(failure.Code);
        Activity.Current?.SetTag("failure", failure.Code);
        return failure;
    }
}
