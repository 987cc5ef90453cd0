using System.Globalization;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// Step: leave out messages whose (partition, offset) is already stored. Each stored row carries its
/// Kafka partition and offset, so after a restart or a replay (offsets reset, consumer group
/// rewound, a partition moved to another instance) the sink asks the table which offsets of the
/// range it received are there, whatever batch boundaries the earlier run used. The check runs
/// only when a partition's batch does not continue the previous one seen by this instance.
/// </summary>
internal sealed class StoredOffsets
{
    private readonly Dictionary<(string Topic, int Partition), long> nextExpected = [];
    private readonly Lock gate = new();

    public bool Continues(string topic, int partition, long firstOffset)
    {
        lock (gate)
            return nextExpected.TryGetValue((topic, partition), out var next) && next == firstOffset;
    }

    public void Advance(string topic, int partition, long lastOffset)
    {
        lock (gate)
            nextExpected[(topic, partition)] = lastOffset + 1;
    }

    /// <summary>Offsets in [first, last] of the partition already present in the table.</summary>
    public static async Task<HashSet<long>> PresentAsync(ClickHouseConnection connection, string table, int partition, long first, long last, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(
            $"SELECT DISTINCT kafka_offset FROM {table} WHERE kafka_partition = {{partition:UInt16}} AND kafka_offset BETWEEN {{first:UInt64}} AND {{last:UInt64}}");
        command.AddParameter("partition", (ushort)partition);
        command.AddParameter("first", (ulong)first);
        command.AddParameter("last", (ulong)last);
        var present = new HashSet<long>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
            present.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        return present;
    }
}
