using Streaming.Contracts.Avro;
using Streaming.Contracts.Topics;
using Streaming.Embedded.SchemaRegistry;

namespace Streaming.Tests.Helpers;

/// <summary>
/// One embedded Schema Registry per test process, holding every catalog schema the way the topics job
/// registers them: what the service hosts and test beds of a test project bind to (a real registry over
/// HTTP, like the one the standalone host serves). It stops when the test process exits.
/// </summary>
internal static class SharedSchemaRegistry
{
    private static readonly Lazy<CatalogSchemaRegistry> Registry = new(() => CatalogSchemaRegistry.Start());

    public static CatalogSchemaRegistry Instance => Registry.Value;

    public static TopicSerdes Serdes => Instance.Serdes;

    /// <summary>The <c>SchemaRegistry:*</c> settings of a service host.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => Instance.Settings;

    /// <summary>Registers a test bed's own topics (renamed catalog topics) under their subjects.</summary>
    public static TopicSerdes With(params IPayloadTopic[] topics)
    {
        foreach (var topic in topics)
            SchemaRegistration.RegisterAsync(Instance.Client, topic).GetAwaiter().GetResult();
        return Serdes;
    }
}
