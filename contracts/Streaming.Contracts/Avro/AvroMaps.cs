using Avro;
using Avro.Generic;
using Streaming.Contracts.Records;

namespace Streaming.Contracts.Avro;

/// <summary>The mapping of every topic payload to its Avro record. Field names match contracts/avro.</summary>
public static class AvroMaps
{
    public static readonly IAvroMap<TrackingEvent> TrackingEvent = new TrackingEventMap();
    public static readonly IAvroMap<IdentifiedEvent> IdentifiedEvent = new IdentifiedEventMap();
    public static readonly IAvroMap<RejectedEvent> RejectedEvent = new RejectedEventMap();
    public static readonly IAvroMap<IdentityMerge> IdentityMerge = new IdentityMergeMap();
    public static readonly IAvroMap<ProfileChange> ProfileChange = new ProfileChangeMap();
    public static readonly IAvroMap<DispatchRequest> DispatchRequest = new DispatchRequestMap();
    public static readonly IAvroMap<MessageReceipt> MessageReceipt = new MessageReceiptMap();
    public static readonly IAvroMap<JourneyEvent> JourneyEvent = new JourneyEventMap();
    public static readonly IAvroMap<DefinitionDocument> DefinitionDocument = new DefinitionDocumentMap();
    public static readonly IAvroMap<SealedContact> SealedContact = new SealedContactMap();

    private static void WriteEventFields(GenericRecord r, TrackingEvent e)
    {
        r.Add("messageId", e.MessageId);
        r.Add("type", e.Type);
        r.Add("event", e.Event);
        r.Add("name", e.Name);
        r.Add("tenant", e.Tenant);
        r.Add("source", e.Source);
        r.Add("anonymousId", e.AnonymousId);
        r.Add("userId", e.UserId);
        r.Add("previousId", e.PreviousId);
        r.Add("groupId", e.GroupId);
        r.Add("timestamp", e.Timestamp);
        r.Add("originalTimestamp", e.OriginalTimestamp);
        r.Add("sentAt", e.SentAt);
        r.Add("receivedAt", e.ReceivedAt);
        r.Add("context", e.Context);
        r.Add("properties", e.Properties);
        r.Add("traits", e.Traits);
        r.Add("integrations", e.Integrations);
    }

    private static TrackingEvent ReadEventFields(GenericRecord r) => new()
    {
        MessageId = r.Str("messageId"),
        Type = r.Str("type"),
        Event = r.OptStr("event"),
        Name = r.OptStr("name"),
        Tenant = r.Str("tenant"),
        Source = r.Str("source"),
        AnonymousId = r.OptStr("anonymousId"),
        UserId = r.OptStr("userId"),
        PreviousId = r.OptStr("previousId"),
        GroupId = r.OptStr("groupId"),
        Timestamp = r.Long("timestamp"),
        OriginalTimestamp = r.OptLong("originalTimestamp"),
        SentAt = r.OptLong("sentAt"),
        ReceivedAt = r.Long("receivedAt"),
        Context = r.Str("context"),
        Properties = r.Str("properties"),
        Traits = r.Str("traits"),
        Integrations = r.Str("integrations"),
    };

    private sealed class TrackingEventMap : IAvroMap<TrackingEvent>
    {
        public string RecordName => "TrackingEvent";
        public void Write(GenericRecord record, TrackingEvent value) => WriteEventFields(record, value);
        public TrackingEvent Read(GenericRecord record) => ReadEventFields(record);
    }

    private sealed class IdentifiedEventMap : IAvroMap<IdentifiedEvent>
    {
        public string RecordName => "IdentifiedEvent";
        public void Write(GenericRecord record, IdentifiedEvent value)
        {
            record.Add("personId", value.PersonId);
            WriteEventFields(record, value.Event);
            record.Add("identifiers", value.Identifiers.Cast<object>().ToArray());
        }
        public IdentifiedEvent Read(GenericRecord record) => new(record.Long("personId"), ReadEventFields(record))
        {
            Identifiers = [.. ((IEnumerable<object>)record["identifiers"]).Cast<string>()],
        };
    }

    private sealed class RejectedEventMap : IAvroMap<RejectedEvent>
    {
        public string RecordName => "RejectedEvent";
        public void Write(GenericRecord r, RejectedEvent v)
        {
            r.Add("tenant", v.Tenant);
            r.Add("source", v.Source);
            r.Add("messageId", v.MessageId);
            r.Add("receivedAt", v.ReceivedAt);
            r.Add("reasonCode", v.ReasonCode);
            r.Add("message", v.Message);
            var errorSchema = (RecordSchema)((ArraySchema)r.Schema["errors"].Schema).ItemSchema;
            r.Add("errors", v.Errors.Select(e =>
            {
                var er = new GenericRecord(errorSchema);
                er.Add("code", e.Code);
                er.Add("field", e.Field);
                er.Add("message", e.Message);
                return (object)er;
            }).ToArray());
            r.Add("rawPayload", v.RawPayload);
        }
        public RejectedEvent Read(GenericRecord r) => new()
        {
            Tenant = r.Str("tenant"),
            Source = r.OptStr("source"),
            MessageId = r.OptStr("messageId"),
            ReceivedAt = r.Long("receivedAt"),
            ReasonCode = r.Str("reasonCode"),
            Message = r.Str("message"),
            Errors = [.. ((IEnumerable<object>)r["errors"]).Cast<GenericRecord>()
                .Select(e => new ValidationError(e.Str("code"), e.Str("field"), e.Str("message")))],
            RawPayload = r.Str("rawPayload"),
        };
    }

    private sealed class IdentityMergeMap : IAvroMap<IdentityMerge>
    {
        public string RecordName => "IdentityMerge";
        public void Write(GenericRecord r, IdentityMerge v)
        {
            r.Add("mergeId", v.MergeId);
            r.Add("tenant", v.Tenant);
            r.Add("outcome", v.Outcome);
            r.Add("survivorPersonId", v.SurvivorPersonId);
            r.Add("absorbedPersonId", v.AbsorbedPersonId);
            r.Add("reason", v.Reason);
            r.Add("causeMessageId", v.CauseMessageId);
            r.Add("identifierType", v.IdentifierType);
            r.Add("identifierValue", v.IdentifierValue);
            r.Add("at", v.At);
        }
        public IdentityMerge Read(GenericRecord r) => new()
        {
            MergeId = r.Str("mergeId"),
            Tenant = r.Str("tenant"),
            Outcome = r.Str("outcome"),
            SurvivorPersonId = r.Long("survivorPersonId"),
            AbsorbedPersonId = r.Long("absorbedPersonId"),
            Reason = r.OptStr("reason"),
            CauseMessageId = r.Str("causeMessageId"),
            IdentifierType = r.Str("identifierType"),
            IdentifierValue = r.Str("identifierValue"),
            At = r.Long("at"),
        };
    }

    private sealed class ProfileChangeMap : IAvroMap<ProfileChange>
    {
        public string RecordName => "ProfileChange";
        public void Write(GenericRecord r, ProfileChange v)
        {
            r.Add("changeId", v.ChangeId);
            r.Add("tenant", v.Tenant);
            r.Add("personId", v.PersonId);
            r.Add("kind", v.Kind);
            r.Add("tagId", v.TagId);
            r.Add("trait", v.Trait);
            r.Add("oldValue", v.OldValue);
            r.Add("newValue", v.NewValue);
            r.Add("at", v.At);
            r.Add("causeMessageId", v.CauseMessageId);
        }
        public ProfileChange Read(GenericRecord r) => new()
        {
            ChangeId = r.Str("changeId"),
            Tenant = r.Str("tenant"),
            PersonId = r.Long("personId"),
            Kind = r.Str("kind"),
            TagId = r.OptStr("tagId"),
            Trait = r.OptStr("trait"),
            OldValue = r.OptStr("oldValue"),
            NewValue = r.OptStr("newValue"),
            At = r.Long("at"),
            CauseMessageId = r.OptStr("causeMessageId"),
        };
    }

    private sealed class DispatchRequestMap : IAvroMap<DispatchRequest>
    {
        public string RecordName => "DispatchRequest";
        public void Write(GenericRecord r, DispatchRequest v)
        {
            r.Add("requestId", v.RequestId);
            r.Add("tenant", v.Tenant);
            r.Add("personId", v.PersonId);
            r.Add("channel", v.Channel);
            r.Add("templateId", v.TemplateId);
            r.Add("variables", v.Variables);
            r.Add("journeyId", v.JourneyId);
            r.Add("stepId", v.StepId);
            r.Add("requestedAt", v.RequestedAt);
            r.Add("expiresAt", v.ExpiresAt);
        }
        public DispatchRequest Read(GenericRecord r) => new()
        {
            RequestId = r.Str("requestId"),
            Tenant = r.Str("tenant"),
            PersonId = r.Long("personId"),
            Channel = r.Str("channel"),
            TemplateId = r.Str("templateId"),
            Variables = r.Str("variables"),
            JourneyId = r.OptStr("journeyId"),
            StepId = r.OptStr("stepId"),
            RequestedAt = r.Long("requestedAt"),
            ExpiresAt = r.OptLong("expiresAt"),
        };
    }

    private sealed class SealedContactMap : IAvroMap<SealedContact>
    {
        public string RecordName => "SealedContact";
        public void Write(GenericRecord r, SealedContact v)
        {
            r.Add("tenant", v.Tenant);
            r.Add("kind", v.Kind);
            r.Add("hash", v.Hash);
            r.Add("sealed", v.Sealed);
            r.Add("at", v.At);
        }
        public SealedContact Read(GenericRecord r) => new()
        {
            Tenant = r.Str("tenant"),
            Kind = r.Str("kind"),
            Hash = r.Str("hash"),
            Sealed = r.Str("sealed"),
            At = r.Long("at"),
        };
    }

    private sealed class MessageReceiptMap : IAvroMap<MessageReceipt>
    {
        public string RecordName => "MessageReceipt";
        public void Write(GenericRecord r, MessageReceipt v)
        {
            r.Add("receiptId", v.ReceiptId);
            r.Add("requestId", v.RequestId);
            r.Add("tenant", v.Tenant);
            r.Add("personId", v.PersonId);
            r.Add("channel", v.Channel);
            r.Add("status", v.Status);
            r.Add("providerMessageId", v.ProviderMessageId);
            r.Add("error", v.Error);
            r.Add("journeyId", v.JourneyId);
            r.Add("at", v.At);
        }
        public MessageReceipt Read(GenericRecord r) => new()
        {
            ReceiptId = r.Str("receiptId"),
            RequestId = r.Str("requestId"),
            Tenant = r.Str("tenant"),
            PersonId = r.Long("personId"),
            Channel = r.Str("channel"),
            Status = r.Str("status"),
            ProviderMessageId = r.OptStr("providerMessageId"),
            Error = r.OptStr("error"),
            JourneyId = r.OptStr("journeyId"),
            At = r.Long("at"),
        };
    }

    private sealed class JourneyEventMap : IAvroMap<JourneyEvent>
    {
        public string RecordName => "JourneyEvent";
        public void Write(GenericRecord r, JourneyEvent v)
        {
            r.Add("eventId", v.EventId);
            r.Add("tenant", v.Tenant);
            r.Add("journeyId", v.JourneyId);
            r.Add("version", v.Version);
            r.Add("instanceId", v.InstanceId);
            r.Add("personId", v.PersonId);
            r.Add("kind", v.Kind);
            r.Add("stepId", v.StepId);
            r.Add("detail", v.Detail);
            r.Add("at", v.At);
        }
        public JourneyEvent Read(GenericRecord r) => new()
        {
            EventId = r.Str("eventId"),
            Tenant = r.Str("tenant"),
            JourneyId = r.Str("journeyId"),
            Version = r.Long("version"),
            InstanceId = r.Str("instanceId"),
            PersonId = r.Long("personId"),
            Kind = r.Str("kind"),
            StepId = r.OptStr("stepId"),
            Detail = r.OptStr("detail"),
            At = r.Long("at"),
        };
    }

    private sealed class DefinitionDocumentMap : IAvroMap<DefinitionDocument>
    {
        public string RecordName => "DefinitionDocument";
        public void Write(GenericRecord r, DefinitionDocument v)
        {
            r.Add("tenant", v.Tenant);
            r.Add("kind", v.Kind);
            r.Add("id", v.Id);
            r.Add("version", v.Version);
            r.Add("body", v.Body);
            r.Add("deleted", v.Deleted);
            r.Add("updatedAt", v.UpdatedAt);
            r.Add("updatedBy", v.UpdatedBy);
        }
        public DefinitionDocument Read(GenericRecord r) => new()
        {
            Tenant = r.Str("tenant"),
            Kind = r.Str("kind"),
            Id = r.Str("id"),
            Version = r.Long("version"),
            Body = r.Str("body"),
            Deleted = r.Bool("deleted"),
            UpdatedAt = r.Long("updatedAt"),
            UpdatedBy = r.OptStr("updatedBy"),
        };
    }
}
