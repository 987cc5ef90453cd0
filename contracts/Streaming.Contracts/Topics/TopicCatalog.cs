using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;

namespace Streaming.Contracts.Topics;

/// <summary>
/// Every topic of the platform, in one place. A topic name appears in code only here; services
/// refer to these definitions. Partition counts bound how many instances of a consuming service
/// do useful work (one partition is owned by one instance).
/// </summary>
public static class TopicCatalog
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public static readonly Topic<TrackingEvent> EventsRaw = new(
        "events.raw", "tenant:(userId, else anonymousId)", 12, CleanupPolicy.Delete, 7 * Day, AvroMaps.TrackingEvent);

    public static readonly Topic<RejectedEvent> EventsRejected = new(
        "events.rejected", "tenant:source", 3, CleanupPolicy.Delete, 30 * Day, AvroMaps.RejectedEvent);

    public static readonly Topic<IdentifiedEvent> EventsIdentified = new(
        "events.identified", "tenant:personId", 12, CleanupPolicy.Delete, 7 * Day, AvroMaps.IdentifiedEvent);

    public static readonly Topic<IdentityMerge> IdentityMerges = new(
        "identity.merges", "tenant:survivorPersonId", 12, CleanupPolicy.Delete, 30 * Day, AvroMaps.IdentityMerge);

    public static readonly Topic<ProfileChange> ProfilesChanges = new(
        "profiles.changes", "tenant:personId", 12, CleanupPolicy.Delete, 7 * Day, AvroMaps.ProfileChange);

    public static readonly Topic<MessageReceipt> MessagesReceipts = new(
        "messages.receipts", "tenant:personId", 12, CleanupPolicy.Delete, 7 * Day, AvroMaps.MessageReceipt);

    public static readonly Topic<JourneyEvent> JourneysEvents = new(
        "journeys.events", "tenant:personId", 12, CleanupPolicy.Delete, 7 * Day, AvroMaps.JourneyEvent);

    /// <summary>
    /// Contact points from identify traits, sealed at the gateway (never in clear on Kafka); compacted: the
    /// latest per tenant, kind and hash. Only the dispatchers read it (docs/dispatch.md, contact vault).
    /// </summary>
    public static readonly Topic<SealedContact> ContactsSealed = new(
        "contacts.sealed", "tenant:kind:hash", 12, CleanupPolicy.Compact, null, AvroMaps.SealedContact);

    public static readonly Topic<DefinitionDocument> ConfigDefinitions = new(
        "config.definitions", "tenant/kind/id", 1, CleanupPolicy.Compact, null, AvroMaps.DefinitionDocument);

    /// <summary>The delivery channels; each has its own dispatch topic and dispatcher deployment.</summary>
    public static readonly IReadOnlyList<string> Channels = ["push", "sms", "email", "webhook", "wechat"];

    private static readonly Dictionary<string, Topic<DispatchRequest>> DispatchTopics = Channels.ToDictionary(
        c => c,
        c => new Topic<DispatchRequest>($"dispatch.{c}", "tenant:personId", 12, CleanupPolicy.Delete, 3 * Day, AvroMaps.DispatchRequest));

    public static Topic<DispatchRequest> Dispatch(string channel) =>
        DispatchTopics.TryGetValue(channel, out var topic)
            ? topic
            : throw new ArgumentException($"Unknown channel '{channel}'. Known channels: {string.Join(", ", Channels)}.", nameof(channel));

    /// <summary>Topics that services consume through the consumer runtime, hence have a dead-letter topic.</summary>
    public static IReadOnlyList<TopicDefinition> Consumed =>
        [EventsRaw, EventsIdentified, IdentityMerges, ProfilesChanges, MessagesReceipts, JourneysEvents, .. DispatchTopics.Values, ContactsSealed];

    /// <summary>Every topic with an Avro payload, in a fixed order: the order the topics job registers their subjects in.</summary>
    public static IReadOnlyList<IPayloadTopic> Payloads =>
        [EventsRaw, EventsRejected, EventsIdentified, IdentityMerges, ProfilesChanges, MessagesReceipts, ConfigDefinitions, .. DispatchTopics.Values, JourneysEvents, ContactsSealed];

    /// <summary>Every topic to create, dead-letter topics included.</summary>
    public static IReadOnlyList<TopicDefinition> All =>
    [
        EventsRaw, EventsRejected, EventsIdentified, IdentityMerges, ProfilesChanges, MessagesReceipts, ConfigDefinitions,
        .. DispatchTopics.Values, JourneysEvents, ContactsSealed,
        .. Consumed.Select(t => new TopicDefinition(t.DeadLetterName, t.Key, null, 1, CleanupPolicy.Delete, 30 * Day)),
    ];
}
