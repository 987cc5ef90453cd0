using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;
using Streaming.Embedded.ClickHouse;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// The embedded ClickHouse through its HTTP endpoint (ClickHouse.Driver, as services use it) next to the
/// same statements on chDB directly (no HTTP, no driver) in the same run: bulk insert rows/s and the
/// latency of a small aggregate query.
/// </summary>
public sealed class ClickHouseScenario : IBenchScenario
{
    public string Name => "clickhouse";
    public string Description => "embedded ClickHouse endpoint (driver) vs chDB direct: insert rows/s, query latency (--rows N)";

    private static readonly CompositeFormat Query = CompositeFormat.Parse("SELECT count(), sum(amount), uniqExact(user) FROM {0} WHERE id % 7 = 3");

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var rows = args.Length > 1 && args[0] == "--rows" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        const int queries = 200;
        var dataPath = Path.Combine(Path.GetTempPath(), "streaming-bench-clickhouse-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"machine: {Measure.Machine}");
        try
        {
            var started = Stopwatch.StartNew();
            await using var server = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = dataPath }, cancellationToken);
            Console.WriteLine($"embedded ClickHouse {server.Version} ready in {started.Elapsed.TotalSeconds:F2} s on {server.Endpoint}");

            const string ddl = "CREATE TABLE {0} (id UInt64, user String, amount Int64, at DateTime64(3)) ENGINE = MergeTree ORDER BY id";

            // chDB directly: the same engine, TSV straight into the insert stream.
            double directInsert;
            var directLatencies = new List<double>(queries);
            using (var lease = await server.Connections.RentAsync(cancellationToken: cancellationToken))
            {
                var connection = lease.Connection;
                connection.Query(string.Format(CultureInfo.InvariantCulture, ddl, "direct")).ThrowIfFailed().Dispose();
                var clock = Stopwatch.StartNew();
                using (var insert = connection.BeginInsert("INSERT INTO direct", "TabSeparated"))
                {
                    var buffer = new StringBuilder(1 << 20);
                    for (var i = 0; i < rows; i++)
                    {
                        buffer.Append(CultureInfo.InvariantCulture, $"{i}\tu{i % 50_000}\t{i * 3L - 7}\t2026-11-23 10:00:00.000\n");
                        if (buffer.Length > (1 << 20) - 100 || i == rows - 1)
                        {
                            if (!insert.Append(Encoding.UTF8.GetBytes(buffer.ToString())))
                                break;
                            buffer.Clear();
                        }
                    }

                    insert.Complete().ThrowIfFailed().Dispose();
                }

                directInsert = rows / clock.Elapsed.TotalSeconds;
                var sql = string.Format(CultureInfo.InvariantCulture, Query, "direct");
                for (var i = 0; i < queries; i++)
                {
                    var one = Stopwatch.StartNew();
                    connection.Query(sql).ThrowIfFailed().Dispose();
                    directLatencies.Add(one.Elapsed.TotalMilliseconds);
                }
            }

            // Through the endpoint with ClickHouse.Driver, exactly as a service does.
            using var client = new ClickHouseClient(server.ConnectionString);
            using var ado = new ClickHouseConnection(server.ConnectionString);
            await ado.ExecuteStatementAsync(string.Format(CultureInfo.InvariantCulture, ddl, "endpoint"));
            var insertClock = Stopwatch.StartNew();
            var at = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);
            await client.InsertBinaryAsync("endpoint", ["id", "user", "amount", "at"],
                Enumerable.Range(0, rows).Select(i => new object[] { (ulong)i, $"u{i % 50_000}", i * 3L - 7, at }),
                new InsertOptions { BatchSize = 100_000, MaxDegreeOfParallelism = 2 }, cancellationToken);
            var endpointInsert = rows / insertClock.Elapsed.TotalSeconds;
            var endpointLatencies = new List<double>(queries);
            var endpointSql = string.Format(CultureInfo.InvariantCulture, Query, "endpoint");
            for (var i = 0; i < queries; i++)
            {
                var one = Stopwatch.StartNew();
                using var reader = await ado.ExecuteReaderAsync(endpointSql);
                while (reader.Read())
                {
                }

                endpointLatencies.Add(one.Elapsed.TotalMilliseconds);
            }

            // The endpoint's fixed cost per statement (authentication, the statement check, HTTP): a query with nothing to read.
            var trivialLatencies = new List<double>(queries);
            for (var i = 0; i < queries; i++)
            {
                var one = Stopwatch.StartNew();
                await ado.ExecuteScalarAsync("SELECT 1");
                trivialLatencies.Add(one.Elapsed.TotalMilliseconds);
            }

            var check = Convert.ToUInt64(await ado.ExecuteScalarAsync("SELECT count() FROM endpoint"), CultureInfo.InvariantCulture);
            if (check != (ulong)rows)
                throw new InvalidOperationException($"endpoint table has {check} rows, expected {rows}");

            directLatencies.Sort();
            endpointLatencies.Sort();
            trivialLatencies.Sort();
            Console.WriteLine($"{"",-22}{"insert rows/s",16}{"query p50 ms",14}{"p95 ms",10}{"p99 ms",10}");
            Print("chDB direct", directInsert, directLatencies);
            Print("endpoint + driver", endpointInsert, endpointLatencies);
            Console.WriteLine($"SELECT 1 through the endpoint: p50 {Measure.Percentile(trivialLatencies, 50):F2} ms, p99 {Measure.Percentile(trivialLatencies, 99):F2} ms");
            Console.WriteLine($"RSS {Measure.RssBytes() / (1 << 20)} MiB");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name,
                rows,
                directInsertRowsPerSecond = Math.Round(directInsert),
                endpointInsertRowsPerSecond = Math.Round(endpointInsert),
                directQueryP50Ms = Math.Round(Measure.Percentile(directLatencies, 50), 2),
                endpointQueryP50Ms = Math.Round(Measure.Percentile(endpointLatencies, 50), 2),
                endpointQueryP99Ms = Math.Round(Measure.Percentile(endpointLatencies, 99), 2),
                endpointSelect1P50Ms = Math.Round(Measure.Percentile(trivialLatencies, 50), 2),
                endpointSelect1P99Ms = Math.Round(Measure.Percentile(trivialLatencies, 99), 2),
                rssMiB = Measure.RssBytes() / (1 << 20),
            }));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (IOException)
            {
                // a temp folder: best effort
            }
        }
    }

    private static void Print(string label, double insert, List<double> sorted) =>
        Console.WriteLine($"{label,-22}{insert,16:N0}{Measure.Percentile(sorted, 50),14:F2}{Measure.Percentile(sorted, 95),10:F2}{Measure.Percentile(sorted, 99),10:F2}");
}
