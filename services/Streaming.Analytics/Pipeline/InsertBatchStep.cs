using System.Diagnostics.Metrics;
using System.Net.Sockets;
using ClickHouse.Driver;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;
using Streaming.Analytics.Schema;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Resilience;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// Step: one bulk insert per batch. The insert carries a deduplication token derived from the
/// topic, partition and offset range, so a batch retried after a timeout or an error (its rows
/// may or may not have landed) is stored once: ClickHouse drops a block whose token it has seen
/// (non_replicated_deduplication_window on the tables). The insert runs in the
/// <c>clickhouse-write</c> pipeline (<see cref="ResiliencePipelines"/>), which retries a short
/// outage in place; ClickHouse still unreachable, or its circuit open, means "wait and retry"
/// (the runtime pauses the partition), never a dead letter.
/// </summary>
internal sealed class InsertBatchStep(ClickHouseSession session, ResiliencePipelineProvider<string>? pipelines = null)
{
    private readonly ResiliencePipeline _writes = (pipelines ?? ResiliencePipelines.CreateProvider(new ResilienceOptions())).GetPipeline(ResiliencePipelines.ClickHouseWrite);

    private static readonly Counter<long> Rows = ServiceMetrics.For("analytics").Counter("rows_inserted", "{row}", "Rows inserted into ClickHouse, by table");

    /// <summary>
    /// The token of a batch: its fence key (topic, partition and incarnation) and offset range. The
    /// incarnation matters: a topic created again repeats the offsets, and a token of the earlier
    /// incarnation would make ClickHouse drop new rows as a retried insert.
    /// </summary>
    public static string TokenFor(string fenceKey, long firstOffset, long lastOffset) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{fenceKey}/{firstOffset}-{lastOffset}");

    /// <summary>The token of a consumed batch (one partition, offsets ascending).</summary>
    public static string TokenFor<T>(IReadOnlyList<InboundMessage<T>> batch) => TokenFor(batch[0].FenceKey, batch[0].Offset, batch[^1].Offset);

    /// <summary>
    /// Month partitions one insert may create: ClickHouse refuses a block spanning more than 100
    /// (code 252, TOO_MANY_PARTS), which one person's ten-year history import does (120 months).
    /// A block never makes more parts than it has rows, and a batch is bounded, so the limit is set
    /// to the batch's row count instead: one request, one part per month, merged in the background.
    /// Splitting the batch by month instead cost one request per month.
    /// </summary>
    internal static int PartitionsPerInsert(int rows) => Math.Max(100, rows);

    public async Task InsertAsync(string table, string[] columns, IReadOnlyList<object[]> rows, string token, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
            return;
        var options = new InsertOptions
        {
            BatchSize = Math.Max(rows.Count, 1),
            MaxDegreeOfParallelism = 1,
            Database = session.Database,
            CustomSettings = new Dictionary<string, object>
            {
                ["insert_deduplicate"] = 1,
                ["insert_deduplication_token"] = token,
                ["max_partitions_per_insert_block"] = PartitionsPerInsert(rows.Count),
            },
        };
        try
        {
            await _writes.ExecuteAsync(
                static (state, token) => new ValueTask(state.Client.InsertBinaryAsync(state.table, state.columns, state.rows, state.options, token)),
                (session.Client, table, columns, rows, options), cancellationToken);
        }
        catch (Exception ex) when (ex is BrokenCircuitException or TimeoutRejectedException || ex is HttpRequestException or SocketException or IOException or OperationCanceledException && ResiliencePipelines.IsTransient(ex, cancellationToken))
        {
            throw new DependencyUnavailableException($"ClickHouse is unreachable while inserting into {table}: {ex.Message}", ex);
        }
        Rows.Add(rows.Count, new KeyValuePair<string, object?>("table", table));
    }
}
