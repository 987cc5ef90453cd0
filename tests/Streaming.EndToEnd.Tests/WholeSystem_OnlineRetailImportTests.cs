using System.Diagnostics;
using System.Globalization;
using ClickHouse.Driver.ADO;
using Streaming.Tests.Helpers;
using Xunit.Abstractions;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// The CLI imports the committed Online Retail slice into a running standalone host through the
/// real pipeline (gateway /v1/batch → events.raw → identity → events.identified → analytics sink),
/// and the analytics answers equal the figures computed from the CSV without the importer's code.
/// </summary>
public sealed class WholeSystem_OnlineRetailImportTests(ITestOutputHelper output)
{
    // STREAMING_E2E_RETAIL_FILE points the test at another Online Retail file (e.g. the full slice in
    // ../shared/datasets) to measure throughput; the committed sample keeps the suite fast.
    private static readonly string Sample = Environment.GetEnvironmentVariable("STREAMING_E2E_RETAIL_FILE") is { Length: > 0 } file
        ? file : Path.Combine(AppContext.BaseDirectory, "Data", "online-retail-sample.csv.gz");

    [Fact]
    public async Task Cli_import_of_online_retail_through_the_gateway_gives_the_csv_figures_in_analytics()
    {
        // With the default 32 KB event limit, the largest invoice shape (1,200 lines in the sample; 1,114 in
        // the store's full year) does not fit one event: it arrives as one order event and continuations.
        var largest = Expected.LargestInvoice(Sample);
        // The data is from 2010-2011: older than the default 3-year TTL, which would drop it on insert.
        await using var system = await RunningSystem.StartAsync("retail", new Dictionary<string, string> { ["Analytics:EventsTtlDays"] = "10000" });
        // A tag that holds only when the order is counted once and its revenue is exact (in 2011 terms: whole history).
        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/tags/one-big-order", $$$"""
            {"name": "One big order", "condition": {"all": [
              {"metric": {"fn": "count", "event": {"name": "Order Completed"}}, "op": "eq", "value": 1},
              {"metric": {"fn": "sum", "event": {"name": "Order Completed"}, "property": "revenue"}, "op": "eq", "value": {{{largest.Revenue.ToString(CultureInfo.InvariantCulture)}}}}]}}
            """);
        var rssStarted = RunningSystem.WorkingSetBytes();

        var clock = Stopwatch.StartNew();
        var cliOutput = new StringWriter();
        var exit = await Cli.Commands.RunAsync(
            ["import", "online-retail", Sample, "--gateway", system.Host.HttpUrl.ToString(), "--write-key", RunningSystem.WriteKey, "--batch", "200"],
            cliOutput, cliOutput, default);
        var posted = clock.Elapsed;
        output.WriteLine(string.Join('\n', cliOutput.ToString().Split('\n').Take(40)));
        Assert.Contains("[##############################] 100%", cliOutput.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, exit);
        var expected = Expected.From(Sample);

        const string OrderEvents = "event IN ('Order Completed', 'Order Refunded')";
        await Eventually.Async($"all {expected.Invoices} invoices and {expected.Rows} lines stored in ClickHouse", async () =>
            await ScalarAsync(system, $"SELECT count() FROM bi.events WHERE tenant = 'default' AND {OrderEvents}") == expected.Invoices
            && await ScalarAsync(system, "SELECT sum(JSONLength(properties, 'products')) FROM bi.events WHERE tenant = 'default'") == expected.Rows ? "stored" : null,
            TimeSpan.FromSeconds(600));
        var stored = clock.Elapsed;
        var rssImported = RunningSystem.WorkingSetBytes();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"figures: ready after {system.ReadyAfter.TotalSeconds:F1} s (host start {system.Host.StartupTime.TotalSeconds:F1} s); " +
            $"RSS after start {rssStarted / 1048576.0:F0} MiB, after import {rssImported / 1048576.0:F0} MiB; " +
            $"{expected.Invoices} events ({expected.Rows} lines) posted in {posted.TotalSeconds:F2} s ({expected.Invoices / posted.TotalSeconds:F0} events/s accepted), " +
            $"all in ClickHouse after {stored.TotalSeconds:F2} s ({expected.Invoices / stored.TotalSeconds:F0} events/s through the pipeline)"));

        // The largest invoice: one order event with the whole revenue, its lines spread over continuations.
        var largestEvents = $"SELECT {{0}} FROM bi.events WHERE tenant = 'default' AND JSONExtractString(properties, 'order_id') = '{largest.InvoiceNo}'";
        Assert.True(await ScalarAsync(system, string.Format(CultureInfo.InvariantCulture, largestEvents, "count()")) > 1);
        Assert.Equal(1, await ScalarAsync(system, string.Format(CultureInfo.InvariantCulture, largestEvents, "count()") + " AND event = 'Order Completed'"));
        Assert.Equal(largest.Lines, await ScalarAsync(system, string.Format(CultureInfo.InvariantCulture, largestEvents, "sum(JSONLength(properties, 'products'))")));
        Assert.Equal((double)largest.Revenue, await DoubleAsync(system, string.Format(CultureInfo.InvariantCulture, largestEvents, "sum(revenue)")), 2);
        Assert.Equal(expected.Customers, await ScalarAsync(system, "SELECT uniqExact(user_id) FROM bi.events WHERE tenant = 'default' AND user_id != ''"));
        // Identity: one person per customer, one per guest invoice, and a customer's invoices share theirs.
        Assert.Equal(expected.Customers + expected.GuestInvoices, await ScalarAsync(system, "SELECT uniqExact(person_id) FROM bi.events WHERE tenant = 'default'"));
        Assert.Equal(0, await ScalarAsync(system, "SELECT count() FROM (SELECT user_id FROM bi.events WHERE tenant = 'default' AND user_id != '' GROUP BY user_id HAVING uniqExact(person_id) > 1)"));

        const string Range = "\"interval\": \"month\", \"from\": \"2010-12-01T00:00:00Z\", \"to\": \"2011-06-01T00:00:00Z\"";
        var revenue = await system.PostAdminAsync("/api/analytics/trends", $$"""{"event": "Order Completed", "measure": "sum", "property": "revenue", {{Range}}}""");
        Assert.Equal((double)expected.OrderRevenue, revenue["points"]!.AsArray().Sum(p => p!["value"]!.GetValue<double>()), 2);
        var orders = await system.PostAdminAsync("/api/analytics/trends", $$"""{"event": "Order Completed", {{Range}}}""");
        Assert.Equal(expected.Orders, (long)orders["points"]!.AsArray().Sum(p => p!["value"]!.GetValue<double>()));
        var refunds = await system.PostAdminAsync("/api/analytics/trends", $$"""{"event": "Order Refunded", {{Range}}}""");
        Assert.Equal(expected.Invoices - expected.Orders, (long)refunds["points"]!.AsArray().Sum(p => p!["value"]!.GetValue<double>()));

        // One customer's profile (live, in Redis) agrees with the CSV too.
        var (customer, customerOrders) = expected.TopCustomer;
        var profile = await Eventually.Async($"the profile of customer {customer} counts {customerOrders} orders", async () =>
        {
            var p = await system.GetAsync($"/api/profiles/lookup?type=userId&value={customer}");
            return p is not null && p["metrics"]!["orders"]!.GetValue<long>() == customerOrders ? p : null;
        });

        Assert.Equal(customerOrders, profile["metrics"]!["orders"]!.GetValue<long>());

        // The guest of the largest invoice: one order with its exact revenue, and the tag that says so.
        var guest = await Eventually.Async($"the profile of guest-{largest.InvoiceNo} holds the one-big-order tag", async () =>
        {
            var p = await system.GetAsync($"/api/profiles/lookup?type=anonymousId&value=guest-{largest.InvoiceNo}");
            return p is not null && p["tags"]!.AsArray().Any(t => (string?)t!["id"] == "one-big-order") ? p : null;
        });
        Assert.Equal(1, guest["metrics"]!["orders"]!.GetValue<long>());
        Assert.Equal(largest.Revenue, guest["metrics"]!["revenue"]!.GetValue<decimal>());
    }

    private static async Task<double> DoubleAsync(RunningSystem system, string sql)
    {
        using var connection = new ClickHouseConnection(system.Host.ClickHouseConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToDouble(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<long> ScalarAsync(RunningSystem system, string sql)
    {
        using var connection = new ClickHouseConnection(system.Host.ClickHouseConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Figures computed straight from the CSV lines, without the importer's code.</summary>
    private sealed record Expected(long Rows, long Invoices, long GuestInvoices, long Customers, long Orders, decimal OrderRevenue, (string Customer, long Orders) TopCustomer)
    {
        /// <summary>The invoice with the most lines: its number, line count and revenue.</summary>
        public static (string InvoiceNo, long Lines, decimal Revenue) LargestInvoice(string path)
        {
            var invoice = OnlineRetailCsv.Read(path).GroupBy(l => l[0]).OrderByDescending(g => g.Count()).First();
            return (invoice.Key, invoice.Count(), invoice.Sum(l => decimal.Parse(l[3], CultureInfo.InvariantCulture) * decimal.Parse(l[5], CultureInfo.InvariantCulture)));
        }

        public static Expected From(string path)
        {
            var lines = OnlineRetailCsv.Read(path).ToList();
            var invoices = lines.GroupBy(l => l[0]).ToList();
            var orders = invoices.Where(g => !g.Key.StartsWith('C')).ToList();
            var top = orders.Where(g => g.First()[6].Length > 0).GroupBy(g => g.First()[6]).OrderByDescending(c => c.Count()).ThenBy(c => c.Key, StringComparer.Ordinal).First();
            return new Expected(
                lines.Count,
                invoices.Count,
                invoices.Count(g => g.First()[6].Length == 0),
                lines.Select(l => l[6]).Where(c => c.Length > 0).Distinct().Count(),
                orders.Count,
                orders.SelectMany(g => g).Sum(l => decimal.Parse(l[3], CultureInfo.InvariantCulture) * decimal.Parse(l[5], CultureInfo.InvariantCulture)),
                (top.Key, top.Count()));
        }
    }
}
