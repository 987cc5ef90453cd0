using System.Text;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;

namespace Streaming.Contracts.Tests;

public sealed class TrackingEventEncoder_BytesTests
{
    private static readonly TrackingEvent Event = new()
    {
        MessageId = "m-1",
        Type = "track",
        Event = "Order Completed",
        Tenant = "acme",
        Source = "web",
        AnonymousId = "a-1",
        UserId = null,
        Timestamp = 1_700_000_000_000,
        OriginalTimestamp = 1_700_000_000_100,
        ReceivedAt = 1_700_000_000_900,
        Context = """{"ip":"1.2.3.4","locale":"zh-CN 中文","x":"\ud800"}""",
        Properties = """{"revenue":12.5,"emoji":"🎉"}""",
        Traits = "{}",
        Integrations = """{"All":true}""",
    };

    private const int SchemaId = 0x01020304;

    [Fact]
    public void Encoder_writes_the_confluent_header_and_the_same_avro_body_as_the_generic_writer()
    {
        // The Avro body is the same whatever the framing: the single-object serde's bytes after its 10-byte header.
        Assert.Equal(TopicCatalog.EventsRaw.LegacySerde.Serialize(Event)[10..], TrackingEventEncoder.Encode(SchemaId, Event)[5..]);
        var sparse = Event with { Event = null, AnonymousId = null, UserId = "u", OriginalTimestamp = null, SentAt = 5 };
        Assert.Equal(TopicCatalog.EventsRaw.LegacySerde.Serialize(sparse)[10..], TrackingEventEncoder.Encode(SchemaId, sparse)[5..]);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, TrackingEventEncoder.Encode(SchemaId, Event)[..5]);
    }

    [Fact]
    public void Encoder_given_utf8_json_writes_the_same_bytes_as_given_strings()
    {
        var fromUtf8 = TrackingEventEncoder.Encode(SchemaId, Event with { Context = "ignored", Properties = "ignored" },
            Encoding.UTF8.GetBytes(Event.Context), Encoding.UTF8.GetBytes(Event.Properties), Encoding.UTF8.GetBytes(Event.Traits), Encoding.UTF8.GetBytes(Event.Integrations));

        Assert.Equal(TrackingEventEncoder.Encode(SchemaId, Event), fromUtf8);
    }
}
