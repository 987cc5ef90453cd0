using System.Text.Json;

namespace Streaming.Embedded.Kafka.Journal;

/// <summary>
/// The topics the journal knows (<c>topics.json</c> beside the segments): partitions and an
/// incarnation id per topic. The id is made once when the topic first appears and kept for as long
/// as the journal folder lives, so offsets of one incarnation are never confused with another's.
/// </summary>
internal sealed class JournalTopics
{
    private const string FileName = "topics.json";
    private readonly Dictionary<string, JournalTopic> _topics;

    private JournalTopics(Dictionary<string, JournalTopic> topics) => _topics = topics;

    public IReadOnlyCollection<JournalTopic> All => _topics.Values;

    public bool TryGet(string topic, out JournalTopic found) => _topics.TryGetValue(topic, out found!);

    /// <param name="renew">No segment exists: whatever offsets were seen before are gone, so every topic starts a new incarnation.</param>
    public static JournalTopics Load(string directory, IReadOnlyList<EmbeddedTopic> wanted, bool renew)
    {
        var path = Path.Combine(directory, FileName);
        var stored = File.Exists(path) && !renew
            ? JsonSerializer.Deserialize<List<JournalTopic>>(File.ReadAllText(path)) ?? []
            : [];
        var topics = stored.ToDictionary(t => t.Name);
        var changed = false;
        foreach (var topic in wanted)
        {
            if (topics.TryGetValue(topic.Name, out var known))
            {
                if (known.Partitions != topic.Partitions)
                {
                    throw new InvalidOperationException(
                        $"The journal in {directory} holds topic '{topic.Name}' with {known.Partitions} partition(s), but {topic.Partitions} are configured. " +
                        "Changing a topic's partition count would move keys to other partitions; keep the old count, or start on an empty data folder.");
                }

                continue;
            }
            topics[topic.Name] = new JournalTopic(topic.Name, topic.Partitions, Guid.NewGuid().ToString("N"));
            changed = true;
        }
        if (changed)
            DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList()));
        return new JournalTopics(topics);
    }
}

/// <summary>A topic of the journal: <see cref="Incarnation"/> changes only when the journal folder is deleted.</summary>
public sealed record JournalTopic(string Name, int Partitions, string Incarnation);
