using System.Diagnostics;
using System.Globalization;
using ClickHouse.Driver.ADO;
using Xunit.Abstractions;
using Streaming.Tests.Shared;

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
        // With the default 32 KB event limit, an invoice of several hundred lines is too large for one
        // event with its product names: the CLI sends it without them, so every invoice and line arrives.
        var over450Lines = Expected.InvoicesOver(Sample, 450).ToHashSet();
        var over300Lines = Expected.InvoicesOver(Sample, 300).ToHashSet();
        // The data is from 2010-2011: older than the default 3-year TTL, which would drop it on insert.
        await using var system = await RunningSystem.StartAsync("retail", new Dictionary<string, string> { ["Analytics:EventsTtlDays"] = "10000" });
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

        await Eventually.Async($"all {expected.Invoices} invoices stored in ClickHouse", async () =>
            await ScalarAsync(system, "SELECT count() FROM bi.events WHERE tenant = 'default'") == expected.Invoices ? "stored" : null,
            TimeSpan.FromSeconds(600));
        var stored = clock.Elapsed;
        var rssImported = RunningSystem.WorkingSetBytes();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"figures: ready after {system.ReadyAfter.TotalSeconds:F1} s (host start {system.Host.StartupTime.TotalSeconds:F1} s); " +
            $"RSS after start {rssStarted / 1048576.0:F0} MiB, after import {rssImported / 1048576.0:F0} MiB; " +
            $"{expected.Invoices} events ({expected.Rows} lines) posted in {posted.TotalSeconds:F2} s ({expected.Invoices / posted.TotalSeconds:F0} events/s accepted), " +
            $"all in ClickHouse after {stored.TotalSeconds:F2} s ({expected.Invoices / stored.TotalSeconds:F0} events/s through the pipeline)"));

        Assert.Equal(expected.Rows, await ScalarAsync(system, "SELECT sum(JSONLength(properties, 'products')) FROM bi.events WHERE tenant = 'default'"));
        var withoutNames = (await ColumnAsync(system, "SELECT JSONExtractString(properties, 'order_id') FROM bi.events WHERE tenant = 'default' AND JSONExtractBool(properties, 'products_names_omitted')")).ToHashSet();
        Assert.Subset(withoutNames, over450Lines);
        Assert.Subset(over300Lines, withoutNames);
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
    }

    private static async Task<long> ScalarAsync(RunningSystem system, string sql)
    {
        using var connection = new ClickHouseConnection(system.Host.ClickHouseConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> ColumnAsync(RunningSystem system, string sql)
    {
        using var connection = new ClickHouseConnection(system.Host.ClickHouseConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(reader.GetString(0));
        return values;
    }

    /// <summary>Figures computed straight from the CSV lines, without the importer's code.</summary>
    private sealed record Expected(long Rows, long Invoices, long GuestInvoices, long Customers, long Orders, decimal OrderRevenue, (string Customer, long Orders) TopCustomer)
    {
        public static List<string> InvoicesOver(string path, int lines) =>
            OnlineRetailCsv.Read(path).GroupBy(l => l[0]).Where(g => g.Count() > lines).Select(g => g.Key).ToList();

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
