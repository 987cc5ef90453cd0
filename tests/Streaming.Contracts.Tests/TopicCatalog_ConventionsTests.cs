using Streaming.Contracts.Topics;

namespace Streaming.Contracts.Tests;

public class TopicCatalog_ConventionsTests
{
    [Fact]
    public void Catalog_names_every_topic_once_with_a_dead_letter_topic_for_each_consumed_topic()
    {
        var names = TopicCatalog.All.Select(t => t.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var consumed in TopicCatalog.Consumed)
            Assert.Contains(consumed.DeadLetterName, names);
        Assert.Contains("events.raw", names);
        Assert.Contains("dispatch.email", names);
    }

    [Fact]
    public void Config_topic_is_compacted_and_event_topics_are_partitioned_for_scale()
    {
        Assert.Equal(CleanupPolicy.Compact, TopicCatalog.ConfigDefinitions.Cleanup);
        Assert.Equal(12, TopicCatalog.EventsRaw.Partitions);
        Assert.Equal(TopicCatalog.EventsRaw.Partitions, TopicCatalog.EventsIdentified.Partitions);
    }

    [Fact]
    public void Every_payload_type_has_a_schema_in_contracts_avro()
    {
        foreach (var topic in TopicCatalog.All.Where(t => t.PayloadType is not null))
            Assert.NotEmpty(Streaming.Contracts.Avro.AvroSchemaRegistry.VersionsOf(topic.PayloadType!.Name));
    }
}
