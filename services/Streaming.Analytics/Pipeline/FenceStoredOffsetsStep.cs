using System.Globalization;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// Step: leave out messages whose (incarnation, partition, offset) is already stored. Each stored row
/// carries its topic incarnation, Kafka partition and offset, so after a restart or a replay (offsets reset, consumer group
/// rewound, a partition moved to another instance) the sink asks the table which offsets of the
/// range it received are there, whatever batch boundaries the earlier run used. When a partition's batch does not continue the previous one seen by this
/// instance, the sink looks up the highest stored offset from there; batches up to it are checked
/// offset by offset, later ones cost nothing. Offsets of another incarnation of the topic (deleted and
/// created again, or an embedded broker that lost its log) are never consulted: they would hide new data.
/// </summary>
internal sealed class FenceStoredOffsetsStep
{
    // Per partition: the next offset expected from this instance, and the highest offset found
    // stored when the partition was (re)joined; batches up to it are checked one by one.
    private readonly Dictionary<string, (long Next, long StoredHigh)> _partitions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Offsets of the batch already stored in <paramref name="table"/>; empty without a query when the batch continues past what was stored.</summary>
    public async Task<HashSet<long>> StoredAsync(ClickHouseConnection connection, string table, string fenceKey, string incarnation, int partition, long first, long last, CancellationToken cancellationToken)
    {
        (long Next, long StoredHigh) state;
        bool known;
        lock (_gate)
            known = _partitions.TryGetValue(fenceKey, out state);
        if (!known || state.Next != first)
        {
            state = (first, await HighestAsync(connection, table, incarnation, partition, first, cancellationToken));
            lock (_gate)
                _partitions[fenceKey] = state;
        }
        return first > state.StoredHigh ? [] : await PresentAsync(connection, table, incarnation, partition, first, last, cancellationToken);
    }

    public void Advance(string fenceKey, long lastOffset)
    {
        lock (_gate)
        {
            var high = _partitions.TryGetValue(fenceKey, out var state) ? state.StoredHigh : -1;
            _partitions[fenceKey] = (lastOffset + 1, high);
        }
    }

    private static async Task<long> HighestAsync(ClickHouseConnection connection, string table, string incarnation, int partition, long from, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(
            $"SELECT toInt64(max(kafka_offset)), count() FROM {table} WHERE kafka_incarnation = {{incarnation:String}} AND kafka_partition = {{partition:UInt16}} AND kafka_offset >= {{from:UInt64}}");
        command.AddParameter("incarnation", incarnation);
        command.AddParameter("partition", (ushort)partition);
        command.AddParameter("from", (ulong)from);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return reader.Read() && Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) > 0
            ? Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)
            : -1;
    }

    /// <summary>Offsets in [first, last] of the partition already present in the table.</summary>
    private static async Task<HashSet<long>> PresentAsync(ClickHouseConnection connection, string table, string incarnation, int partition, long first, long last, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(
            $"SELECT DISTINCT kafka_offset FROM {table} WHERE kafka_incarnation = {{incarnation:String}} AND kafka_partition = {{partition:UInt16}} AND kafka_offset BETWEEN {{first:UInt64}} AND {{last:UInt64}}");
        command.AddParameter("incarnation", incarnation);
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
