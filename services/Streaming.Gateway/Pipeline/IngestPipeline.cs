using System.Diagnostics;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Gateway.Enrichment;
using Streaming.Gateway.Ingestion;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// The gateway's data flow, top to bottom. HTTP and gRPC both call <see cref="IngestAsync"/>, so
/// both get the same limits, validation, enrichment and answers.
/// <list type="number">
/// <item>parse the body (request and batch limits, JSON position on errors)</item>
/// <item>authenticate the write key, then admit the events against its rate limit</item>
/// <item>per event: validate, clean identifiers, enrich, hash PII, key</item>
/// <item>deliver accepted and refused events to Kafka and answer after the acknowledgement</item>
/// </list>
/// </summary>
public sealed class IngestPipeline(
    ParseStep parse,
    AuthenticateStep authenticate,
    RateLimitStep rateLimit,
    ValidateStep validate,
    CleanIdentifiersStep cleanIdentifiers,
    EnrichStep enrich,
    HashPiiStep hashPii,
    KeyStep key,
    DeliverStep deliver,
    ClientIp clientIp,
    GatewayMetrics metrics,
    TopicSerdes serdes,
    TimeProvider time)
{
    private readonly IEventStep[] _eventSteps = [validate, cleanIdentifiers, enrich, hashPii, key];

    public async Task<IngestResult> IngestAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        using var activity = StreamingTelemetry.Source.StartActivity("gateway.ingest");
        var receivedAt = time.GetUtcNow().ToUnixTimeMilliseconds();

        var parsed = parse.Run(request);
        if (parsed.Refused)
            return Refuse(parsed.Failure!);
        using var batch = parsed.Value!;

        var source = authenticate.Run(request, batch);
        if (source.Refused)
            return Refuse(source.Failure!);
        var admitted = rateLimit.Run(source.Value!, batch);
        if (admitted.Refused)
            return Refuse(admitted.Failure!);

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
            var outcome = RunEventSteps(draft, scope);
            switch (outcome.Verdict)
            {
                case EventVerdict.Continue:
                    messages.Add(new OutboundMessage(TopicCatalog.EventsRaw, draft.Key, draft.Encode(scope, serdes.For(TopicCatalog.EventsRaw).WriterSchemaId)));
                    accepted++;
                    break;
                case EventVerdict.Reject:
                    rejected.Add(new EventRejection(i, draft.MessageId, outcome.Errors!));
                    messages.Add(DeadLetter(draft, outcome.Errors!, scope));
                    break;
                default:
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

    private EventOutcome RunEventSteps(EventDraft draft, RequestScope scope)
    {
        foreach (var step in _eventSteps)
        {
            var outcome = step.Run(draft, scope);
            if (outcome.Verdict != EventVerdict.Continue)
                return outcome;
        }
        return EventOutcome.Continue;
    }

    /// <summary>A refused event for events.rejected: the reasons and its raw JSON (PII hashed).</summary>
    private OutboundMessage DeadLetter(EventDraft draft, IReadOnlyList<ValidationError> errors, RequestScope scope)
    {
        var record = new RejectedEvent
        {
            Tenant = scope.Source.Tenant,
            Source = scope.Source.Id,
            MessageId = draft.MessageId,
            ReceivedAt = scope.ReceivedAt,
            ReasonCode = errors[0].Code,
            Message = string.Join(" ", errors.Select(e => e.Message)),
            Errors = errors,
            RawPayload = hashPii.RawPayload(draft, scope),
        };
        return OutboundMessage.Create(TopicCatalog.EventsRejected, PartitionKey.For(scope.Source.Tenant, scope.Source.Id), record);
    }

    private IngestResult Refuse(IngestFailure failure)
    {
        metrics.Failed(failure.Code);
        Activity.Current?.SetTag("failure", failure.Code);
        return failure;
    }
}
