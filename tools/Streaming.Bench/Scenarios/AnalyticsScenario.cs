using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Analytics;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Queries;
using Streaming.Analytics.Schema;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Records;
using Streaming.Embedded.ClickHouse;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Analytics on the embedded ClickHouse: sink rows/s (the events sink, batches of 10,000), then
/// funnel (4 steps), retention (12x12), trend over generated events and an audience of 3 tag
/// conditions over 1M persons, each next to the equivalent hand-written SQL in the same run.
/// </summary>
public sealed class AnalyticsScenario : IBenchScenario
{
    private static readonly DateTimeOffset From = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddYears(1);

    // The hand-written reference SQL of the event queries (read without FINAL).
    private const string FunnelSql = """
        SELECT level, count() FROM (
          SELECT person_id, windowFunnel(604800)(toDateTime(timestamp), event = 'View', event = 'Cart', event = 'Checkout', event = 'Order') AS level
          FROM bench.events WHERE tenant = 'bench' AND timestamp >= '2024-01-01' AND timestamp < '2025-01-01' AND event IN ('View', 'Cart', 'Checkout', 'Order')
          GROUP BY person_id) GROUP BY level
        """;

    private const string RetentionSql = """
        WITH c AS (SELECT person_id, toStartOfMonth(min(timestamp)) AS cohort FROM bench.events WHERE tenant = 'bench' AND event = 'Order' AND timestamp < '2025-01-01' GROUP BY person_id),
             r AS (SELECT DISTINCT person_id, toStartOfMonth(timestamp) AS m FROM bench.events WHERE tenant = 'bench' AND event = 'Order' AND timestamp >= '2024-01-01' AND timestamp < '2025-01-01')
        SELECT cohort, dateDiff('month', cohort, m) AS k, uniqExact(c.person_id) FROM c INNER JOIN r ON c.person_id = r.person_id GROUP BY cohort, k
        """;

    private const string TrendSql = """
        SELECT toStartOfDay(timestamp) AS d, count() FROM bench.events WHERE tenant = 'bench' AND event = 'Order' AND timestamp >= '2024-01-01' AND timestamp < '2025-01-01' GROUP BY d
        """;

    /// <summary>The ways of reading events FINAL that --final-variants compares (each a SETTINGS clause; empty: the defaults).</summary>
    private static readonly string[] FinalSettings =
    [
        "",
        "do_not_merge_across_partitions_select_final = 1",
        "do_not_merge_across_partitions_select_final = 1, max_final_threads = 4",
        "enable_vertical_final = 0",
    ];

    public string Name => "analytics";
    public string Description => "sink rows/s; funnel, retention, trend, audience vs hand-written SQL (--events N, --persons N, --data DIR keeps and reuses the data, --serve keeps the engine open, --final-variants compares ways of reading events FINAL on fresh and on merged data)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var events = BenchArgs.Int(args, "--events", 10_000_000);
        var persons = BenchArgs.Int(args, "--persons", 1_000_000);
        var sinkEvents = BenchArgs.Int(args, "--sink-events", 200_000);
        var kept = BenchArgs.Text(args, "--data");
        var serve = args.Contains("--serve");
        var dir = kept ?? Path.Combine(Path.GetTempPath(), "streaming-bench-analytics-" + Guid.NewGuid().ToString("N")[..8]);
        await using var clickHouse = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = dir }, cancellationToken);
        try
        {
            Console.WriteLine($"machine: {Measure.Machine}");
            var options = new AnalyticsOptions { Database = "bench", BiDatabase = "bench_bi", FlushIntervalMs = 0 };
            using var session = new ClickHouseSession(Microsoft.Extensions.Options.Options.Create(new ClickHouseOptions { ConnectionString = clickHouse.ConnectionString }),
                Microsoft.Extensions.Options.Options.Create(options));
            await new Migrator(session, NullLogger<Migrator>.Instance).MigrateAsync(cancellationToken);

            using var connection = session.Connect();
            // A kept folder that already holds this data set skips the sink and the generation (iterating on queries).
            var reused = kept is not null && Convert.ToInt64(await connection.ExecuteScalarAsync("SELECT count() FROM bench.events WHERE tenant = 'bench'"), CultureInfo.InvariantCulture) == events;
            var sinkRate = reused ? 0 : await SinkAsync(session, sinkEvents, cancellationToken);
            Console.WriteLine(reused ? "sink: skipped (data reused)" : $"sink: {sinkEvents:N0} events in batches of 10,000 -> {sinkRate:N0} rows/s");

            var generate = Stopwatch.StartNew();
            if (!reused)
                await GenerateAsync(connection, events, persons);
            Console.WriteLine($"generated {events:N0} events over {persons:N0} persons and 3 tags in {generate.Elapsed.TotalSeconds:F1} s (load {Measure.LoadAverage()})");
            if (serve)
            {
                Console.WriteLine($"serving {clickHouse.Endpoint} (data in {dir}); Ctrl-C stops");
                try { await Task.Delay(Timeout.Infinite, cancellationToken); } catch (OperationCanceledException) { }
                return 0;
            }

            if (args.Contains("--final-variants"))
            {
                await FinalVariantsAsync(connection);
                return 0;
            }

            var queries = new AnalyticsQueries(session, TimeProvider.System);
            var funnel = new FunnelRequest([new("View"), new("Cart"), new("Checkout"), new("Order")], From, To, 86_400 * 7);
            var figures = new Dictionary<string, object>
            {
                ["scenario"] = Name, ["events"] = events, ["persons"] = persons, ["sink_rows_per_s"] = Math.Round(sinkRate),
            };
            await Compare(figures, "funnel_4_steps", () => queries.FunnelAsync("bench", funnel, cancellationToken), connection, FunnelSql);
            await Compare(figures, "retention_12x12", () => queries.RetentionAsync("bench", new RetentionRequest(From, To, "Order", "Order", "month", 11), cancellationToken), connection, RetentionSql);
            await Compare(figures, "trend_daily", () => queries.TrendsAsync("bench", new TrendsRequest("Order", From, To), cancellationToken), connection, TrendSql);
            var audience = ConditionParser.ParseDocument("""{"condition":{"all":[{"tag":"women_25_30"},{"tag":"frequent_buyer"},{"tag":"prefers_beauty"}]}}""").GetValueOrThrow();
            await Compare(figures, "audience_3_tags", () => queries.AudienceAsync("bench", audience, 0, null, cancellationToken), connection, """
                SELECT count() FROM bench.tags_current FINAL
                WHERE tenant = 'bench' AND tag_id = 'women_25_30' AND member = 1
                  AND person_id IN (SELECT person_id FROM bench.tags_current FINAL WHERE tenant = 'bench' AND tag_id = 'frequent_buyer' AND member = 1)
                  AND person_id IN (SELECT person_id FROM bench.tags_current FINAL WHERE tenant = 'bench' AND tag_id = 'prefers_beauty' AND member = 1)
                """);
            figures["rss_mib"] = Measure.RssBytes() / (1 << 20);
            Console.WriteLine(JsonSerializer.Serialize(figures));
            return 0;
        }
        finally
        {
            await clickHouse.StopAsync(CancellationToken.None);
            if (kept is null)
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task GenerateAsync(ClickHouseConnection connection, int events, int persons)
    {
        await connection.ExecuteStatementAsync($$"""
            INSERT INTO bench.events (tenant, event, type, message_id, person_id, anonymous_id, user_id, source, timestamp, received_at, context, properties, traits, kafka_partition, kafka_offset)
            SELECT 'bench', ['View', 'Cart', 'Checkout', 'Order', 'Other'][1 + cityHash64(number, 1) % 5], 'track', toString(number),
                   toInt64(cityHash64(number, 2) % {{persons}}), '', '', 'bench',
                   fromUnixTimestamp64Milli(toInt64({{From.ToUnixTimeMilliseconds()}} + cityHash64(number, 3) % 31536000000), 'UTC') AS ts, ts,
                   '{}', concat('{"revenue":', toString(number % 100), '}'), '{}', 1, number
            FROM numbers({{events}})
            """);
        await connection.ExecuteStatementAsync($"""
            INSERT INTO bench.tag_changes (tenant, tag_id, person_id, entered, at, change_id)
            SELECT 'bench', tag, number, 1, now64(3), concat(tag, toString(number))
            FROM numbers({persons}) ARRAY JOIN ['women_25_30', 'frequent_buyer', 'prefers_beauty'] AS tag
            WHERE cityHash64(number, tag) % 2 = 0
            """);
    }

    /// <summary>
    /// The event queries without FINAL and with FINAL under each of <see cref="FinalSettings"/>, back to
    /// back, on the data as generated (unmerged parts: FINAL's worst case) and again after
    /// <c>OPTIMIZE TABLE .. FINAL</c> (one part per month: the steady state of older months).
    /// </summary>
    private static async Task FinalVariantsAsync(ClickHouseConnection connection)
    {
        using (var reader = await connection.ExecuteReaderAsync("SELECT name, value FROM system.settings WHERE name IN ('do_not_merge_across_partitions_select_final', 'max_final_threads', 'max_threads', 'enable_vertical_final', 'split_parts_ranges_into_intersecting_and_non_intersecting_final', 'split_intersecting_parts_ranges_into_layers_final', 'enable_automatic_decision_for_merging_across_partitions_for_final')"))
        {
            while (reader.Read())
                Console.WriteLine($"setting {reader.GetString(0)} = {reader.GetString(1)}");
        }
        (string Name, string Sql)[] queries = [("funnel_4_steps", FunnelSql), ("retention_12x12", RetentionSql), ("trend_daily", TrendSql)];
        foreach (var state in new[] { "as generated", "after OPTIMIZE FINAL" })
        {
            if (state != "as generated")
                await connection.ExecuteStatementAsync("OPTIMIZE TABLE bench.events FINAL");
            var parts = await connection.ExecuteScalarAsync("SELECT count() FROM system.parts WHERE database = 'bench' AND table = 'events' AND active");
            Console.WriteLine($"-- {state}: {parts} active parts (load {Measure.LoadAverage()})");
            foreach (var (name, sql) in queries)
            {
                var plain = await Median(() => ReadAll(connection, sql));
                Console.WriteLine($"{name,-16} no FINAL {plain.Wall,6:F0} ms (cpu {plain.Cpu,5:F0})");
                foreach (var setting in FinalSettings)
                {
                    var final = sql.Replace("FROM bench.events", "FROM bench.events FINAL", StringComparison.Ordinal) + (setting.Length == 0 ? "" : " SETTINGS " + setting);
                    var measured = await Median(() => ReadAll(connection, final));
                    Console.WriteLine($"{name,-16} FINAL    {measured.Wall,6:F0} ms (cpu {measured.Cpu,5:F0})  ratio cpu {measured.Cpu / plain.Cpu:F2}  {(setting.Length == 0 ? "(defaults)" : setting)}  load {Measure.LoadAverage()}");
                }
            }
        }
    }

    private static async Task ReadAll(ClickHouseConnection connection, string sql)
    {
        using var reader = await connection.ExecuteReaderAsync(sql);
        while (reader.Read()) { }
    }

    private static async Task<double> SinkAsync(ClickHouseSession session, int count, CancellationToken cancellationToken)
    {
        var sink = new EventsPipeline(session, new InsertBatchStep(session), new FlushPacing(TimeProvider.System, TimeSpan.Zero, 1));
        var messages = Enumerable.Range(0, count).Select(i => new InboundMessage<IdentifiedEvent>("events.identified", 0, i, "k", new IdentifiedEvent(i % 10_000, new TrackingEvent
        {
            MessageId = Guid.NewGuid().ToString(), Type = "track", Event = "Sink Bench", Tenant = "sink", Source = "bench", UserId = "u" + (i % 10_000),
            Timestamp = From.ToUnixTimeMilliseconds() + i, ReceivedAt = From.ToUnixTimeMilliseconds() + i,
            Context = """{"ip":"10.0.0.1","os":{"name":"iOS"}}""", Properties = """{"revenue":12.5,"category":"beauty","order_id":"o1"}""",
        }), DateTimeOffset.UtcNow, [])).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var batch in messages.Chunk(10_000))
            await sink.HandleAsync(batch, cancellationToken);
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task Compare<T>(Dictionary<string, object> figures, string name, Func<Task<T>> api, ClickHouseConnection connection, string handWritten)
    {
        var (apiMs, apiCpuMs) = await Median(async () => await api());
        var (sqlMs, sqlCpuMs) = await Median(async () =>
        {
            using var reader = await connection.ExecuteReaderAsync(handWritten);
            while (reader.Read()) { }
        });
        // The engine runs in this process: process CPU time per query is less sensitive to other load than wall time.
        Console.WriteLine($"{name,-16} API {apiMs,6:F0} ms (cpu {apiCpuMs,5:F0})   hand-written SQL {sqlMs,6:F0} ms (cpu {sqlCpuMs,5:F0})   ratio {apiMs / sqlMs:F2} (cpu {apiCpuMs / sqlCpuMs:F2})   load {Measure.LoadAverage()}");
        figures[name + "_ms"] = Math.Round(apiMs);
        figures[name + "_sql_ms"] = Math.Round(sqlMs);
        figures[name + "_cpu_ms"] = Math.Round(apiCpuMs);
        figures[name + "_sql_cpu_ms"] = Math.Round(sqlCpuMs);
    }

    /// <summary>Median wall and process CPU milliseconds of 3 runs after a warm-up.</summary>
    private static async Task<(double Wall, double Cpu)> Median(Func<Task> run)
    {
        await run(); // warm-up
        var times = new List<(double Wall, double Cpu)>();
        for (var i = 0; i < 3; i++)
        {
            var cpu = Measure.CpuTime();
            var clock = Stopwatch.StartNew();
            await run();
            times.Add((clock.Elapsed.TotalMilliseconds, (Measure.CpuTime() - cpu).TotalMilliseconds));
        }
        return (times.Select(t => t.Wall).Order().ElementAt(1), times.Select(t => t.Cpu).Order().ElementAt(1));
    }
}
