using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;

namespace Streaming.Contracts.Tests;

public class Serde_RoundTripTests
{
    private static readonly TrackingEvent Event = new()
    {
        MessageId = "m-1",
        Type = "track",
        Event = "Order Completed",
        Tenant = "acme",
        Source = "web",
        AnonymousId = "a-1",
        UserId = "u-1",
        Timestamp = 1_700_000_000_123,
        OriginalTimestamp = 1_700_000_000_000,
        SentAt = 1_700_000_000_500,
        ReceivedAt = 1_700_000_000_900,
        Context = """{"ip":"1.2.3.4","locale":"zh-CN 中文"}""",
        Properties = """{"revenue":12.5}""",
    };

    [Fact]
    public void TrackingEvent_round_trips_with_every_field()
    {
        Assert.Equal(Event, RoundTrip(TopicCatalog.EventsRaw.LegacySerde, Event));
        var sparse = Event with { UserId = null, Event = null, OriginalTimestamp = null, SentAt = null };
        Assert.Equal(sparse, RoundTrip(TopicCatalog.EventsRaw.LegacySerde, sparse));
    }

    [Fact]
    public void IdentifiedEvent_round_trips_person_and_event()
    {
        var identified = new IdentifiedEvent(42, Event) { Identifiers = ["userId:u1", "anonymousId:a1", "phone_hash:9f"] };
        var back = RoundTrip(TopicCatalog.EventsIdentified.LegacySerde, identified);
        Assert.Equal(42, back.PersonId);
        Assert.Equal(Event, back.Event);
        Assert.Equal(identified.Identifiers, back.Identifiers);
    }

    [Fact]
    public void RejectedEvent_round_trips_errors_and_raw_payload()
    {
        var rejected = new RejectedEvent
        {
            Tenant = "acme",
            Source = "web",
            MessageId = null,
            ReceivedAt = 5,
            ReasonCode = "missing_identifier",
            Message = "no usable userId or anonymousId",
            Errors = [new("missing_identifier", "userId", "set userId or anonymousId"), new("bad_timestamp", "timestamp", "use ISO-8601")],
            RawPayload = """{"type":"track"}""",
        };
        var back = RoundTrip(TopicCatalog.EventsRejected.LegacySerde, rejected);
        Assert.Equal(rejected.Errors, back.Errors);
        Assert.Equal(rejected with { Errors = back.Errors }, back);
    }

    [Fact]
    public void Other_payloads_round_trip()
    {
        var merge = new IdentityMerge
        {
            MergeId = "x", Tenant = "t", Outcome = MergeOutcome.Refused, SurvivorPersonId = 1, AbsorbedPersonId = 2,
            Reason = "both carry a userId", CauseMessageId = "m", IdentifierType = "anonymousId", IdentifierValue = "a", At = 9,
        };
        Assert.Equal(merge, RoundTrip(TopicCatalog.IdentityMerges.LegacySerde, merge));

        var change = new ProfileChange
        {
            ChangeId = "c", Tenant = "t", PersonId = 3, Kind = ProfileChangeKind.TagEntered, TagId = "vip", At = 10, CauseMessageId = "m",
        };
        Assert.Equal(change, RoundTrip(TopicCatalog.ProfilesChanges.LegacySerde, change));

        var request = new DispatchRequest
        {
            RequestId = "r", Tenant = "t", PersonId = 4, Channel = "sms", TemplateId = "welcome", Variables = """{"a":1}""",
            JourneyId = "j", StepId = "s", RequestedAt = 11, ExpiresAt = 12,
        };
        Assert.Equal(request, RoundTrip(TopicCatalog.Dispatch("sms").LegacySerde, request));

        var receipt = new MessageReceipt
        {
            ReceiptId = "rc", RequestId = "r", Tenant = "t", PersonId = 4, Channel = "sms", Status = ReceiptStatus.Delivered, At = 13,
        };
        Assert.Equal(receipt, RoundTrip(TopicCatalog.MessagesReceipts.LegacySerde, receipt));

        var definition = new DefinitionDocument
        {
            Tenant = "t", Kind = DefinitionKind.Tag, Id = "night-owl", Version = 2, Body = "{}", Deleted = true, UpdatedAt = 14, UpdatedBy = "admin",
        };
        Assert.Equal(definition, RoundTrip(TopicCatalog.ConfigDefinitions.LegacySerde, definition));
    }

    [Fact]
    public void Serde_writes_the_single_object_header_with_the_schema_fingerprint()
    {
        var bytes = TopicCatalog.EventsRaw.LegacySerde.Serialize(Event);
        Assert.Equal(0xC3, bytes[0]);
        Assert.Equal(0x01, bytes[1]);
        Assert.Equal(TopicCatalog.EventsRaw.LegacySerde.Fingerprint, BitConverter.ToInt64(bytes, 2));
    }

    [Fact]
    public void Serde_refuses_a_payload_of_another_record_type_with_a_clear_error()
    {
        var mergeBytes = TopicCatalog.IdentityMerges.LegacySerde.Serialize(new IdentityMerge
        {
            MergeId = "x", Tenant = "t", Outcome = "merged", CauseMessageId = "m", IdentifierType = "userId", IdentifierValue = "u",
        });
        var error = Assert.Throws<InvalidDataException>(() => TopicCatalog.EventsRaw.LegacySerde.Deserialize(mergeBytes));
        Assert.Contains("IdentityMerge", error.Message);
        Assert.Throws<InvalidDataException>(() => TopicCatalog.EventsRaw.LegacySerde.Deserialize("{\"json\":1}"u8));
    }

    private static T RoundTrip<T>(SingleObjectSerde<T> serde, T value) => serde.Deserialize(serde.Serialize(value));
}
