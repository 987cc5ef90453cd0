using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Analytics.Queries;
using Streaming.Contracts.Records;
using Streaming.Tests.Helpers;

namespace Streaming.Analytics.Tests;

/// <summary>
/// The CLI imports the Online Retail slice over HTTP; the receiving end stands in for gateway +
/// identity (personId = CustomerID) and hands the events to the real sink, and the query API must
/// give the figures computed from the CSV independently.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class Import_OnlineRetailTests(ClickHouseFixture fixture)
{
    private static readonly string Sample = Path.Combine(AppContext.BaseDirectory, "Data", "online-retail-sample.csv.gz");

    [Fact]
    public async Task Import_then_query_gives_the_slice_figures_and_cohort_retention_when_the_cli_imports_online_retail()
    {
        // The data is from 2010-2011; the TTL counts from when events were received, so the default keeps it.
        var db = await fixture.NewDatabaseAsync();
        var expected = Expected.From(Sample);
        await using var receiver = await Receiver.StartAsync(db);
        var output = new StringWriter();

        var exit = await Cli.Commands.RunAsync(["import", "online-retail", Sample, "--gateway", receiver.Url, "--write-key", "wk_test", "--batch", "200"], output, Console.Error, default);

        Assert.Equal(0, exit);
        Assert.Contains("[##############################] 100%", output.ToString(), StringComparison.Ordinal);
        var bi = db.Session.BiDatabase;
        Assert.Equal(expected.Rows, await db.ScalarAsync($"SELECT sum(JSONLength(properties, 'products')) FROM {bi}.events WHERE tenant = 'default'"));
        // An invoice over the event limit (the sample's 1,200-line one) is one order event plus continuations.
        Assert.Equal(expected.Invoices, await db.ScalarAsync($"SELECT count() FROM {bi}.events WHERE tenant = 'default' AND event IN ('Order Completed', 'Order Refunded')"));
        Assert.True(await db.ScalarAsync($"SELECT count() FROM {bi}.events WHERE tenant = 'default' AND event = 'Order Continued'") > 0);
        Assert.Equal(expected.Customers, await db.ScalarAsync($"SELECT uniqExact(user_id) FROM {bi}.events WHERE tenant = 'default' AND user_id != ''"));
        var queries = db.Queries();
        var (from, to) = (new DateTimeOffset(2010, 12, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2011, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var revenue = await queries.TrendsAsync("default", new TrendsRequest("Order Completed", from, to, "sum", "revenue", "month"), default);
        Assert.Equal((double)expected.OrderRevenue, revenue.Sum(p => p.Value), 2);
        var orders = await queries.TrendsAsync("default", new TrendsRequest("Order Completed", from, to, Interval: "month"), default);
        Assert.Equal(expected.Orders, (long)orders.Sum(p => p.Value));

        var retention = await queries.RetentionAsync("default", new RetentionRequest(from, to, "Order Completed", "Order Completed", "month", 5), default);
        var guestsExcluded = retention.Cohorts.Select(c => (c.Cohort.ToString("yyyy-MM", CultureInfo.InvariantCulture), c.Persons, c.Returned.ToArray()));
        // Guests (one anonymous person per invoice) are cohorts of one-time buyers: the expectation counts them too.
        Assert.Equal(expected.Retention.Select(r => (r.Cohort, r.Persons, r.Returned)), guestsExcluded, new RetentionRowComparer());

        // Identified persons only: a filter on the person in the tag language (has an event with a userId), not on event properties.
        using var identified = JsonDocument.Parse("""
            {"metric": {"fn": "count", "event": {"where": [{"path": "$userId", "op": "exists"}]}}, "op": "gte", "value": 1}
            """);
        var request = new RetentionRequest(from, to, "Order Completed", "Order Completed", "month", 5) { Persons = identified.RootElement.Clone() };
        Assert.Null(request.Problem());
        var customersOnly = await queries.RetentionAsync("default", request, default);
        Assert.Equal(expected.CustomerRetention.Select(r => (r.Cohort, r.Persons, r.Returned)),
            customersOnly.Cohorts.Select(c => (c.Cohort.ToString("yyyy-MM", CultureInfo.InvariantCulture), c.Persons, c.Returned.ToArray())), new RetentionRowComparer());
        Assert.True(customersOnly.Cohorts[0].Persons < retention.Cohorts[0].Persons);
        var buyers = await queries.TrendsAsync("default", new TrendsRequest("Order Completed", from, to, "persons", Interval: "month") { Persons = identified.RootElement.Clone() }, default);
        Assert.Equal(expected.CustomersWithOrders.Select(m => (double)m.Persons), buyers.Select(b => b.Value));
        var funnel = await queries.FunnelAsync("default", new FunnelRequest([new("Order Completed"), new("Order Completed")], from, to, 366L * 86_400) { Persons = identified.RootElement.Clone() }, default);
        Assert.Equal(expected.CustomerRetention.Sum(r => r.Persons), funnel.Steps[0].Persons);
        var paths = await queries.PathsAsync("default", new PathsRequest("Order Completed", from, to, Limit: 1000) { Persons = identified.RootElement.Clone() }, default);
        Assert.Equal(expected.CustomerRetention.Sum(r => r.Persons), paths.Sum(x => x.Persons));
    }

    private sealed class RetentionRowComparer : IEqualityComparer<(string, long, long[])>
    {
        public bool Equals((string, long, long[]) x, (string, long, long[]) y) => x.Item1 == y.Item1 && x.Item2 == y.Item2 && x.Item3.SequenceEqual(y.Item3);
        public int GetHashCode((string, long, long[]) obj) => obj.Item1.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>Figures computed straight from the CSV lines, without the importer's code.</summary>
    private sealed record Expected(long Rows, long Invoices, long Customers, long Orders, decimal OrderRevenue,
        List<(string Cohort, long Persons, long[] Returned)> Retention, List<(string Cohort, long Persons, long[] Returned)> CustomerRetention,
        List<(string Month, long Persons)> CustomersWithOrders)
    {
        public static Expected From(string path)
        {
            var lines = OnlineRetailCsv.Read(path);
            var invoices = lines.GroupBy(l => l[0]).ToList();
            var orders = invoices.Where(g => !g.Key.StartsWith('C')).ToList();
            var buyerMonths = orders.Select(g => (Person: g.First()[6].Length > 0 ? g.First()[6] : "guest-" + g.Key, Month: g.First()[4][..7]))
                .GroupBy(x => x.Person).ToDictionary(g => g.Key, g => g.Select(x => x.Month).Distinct().Order(StringComparer.Ordinal).ToList());
            string[] months = ["2010-12", "2011-01", "2011-02", "2011-03", "2011-04", "2011-05"];
            List<(string, long, long[])> Retention(bool guests) => months.Select((cohort, ci) =>
            {
                var members = buyerMonths.Where(b => b.Value[0] == cohort && (guests || !b.Key.StartsWith("guest-", StringComparison.Ordinal))).ToList();
                var returned = Enumerable.Range(0, 6).Select(k => ci + k < months.Length ? (long)members.Count(m => m.Value.Contains(months[ci + k])) : 0L).ToArray();
                return (cohort, (long)members.Count, returned);
            }).Where(r => r.Item2 > 0).ToList();
            var retention = Retention(guests: true);
            var customersWithOrders = months.Select(m => (m, (long)buyerMonths.Count(b => !b.Key.StartsWith("guest-", StringComparison.Ordinal) && b.Value.Contains(m)))).ToList();
            return new Expected(
                lines.Count,
                invoices.Count,
                lines.Select(l => l[6]).Where(c => c.Length > 0).Distinct().Count(),
                orders.Count,
                orders.SelectMany(g => g).Sum(l => decimal.Parse(l[3], CultureInfo.InvariantCulture) * decimal.Parse(l[5], CultureInfo.InvariantCulture)),
                retention,
                Retention(guests: false),
                customersWithOrders);
        }
    }

    /// <summary>Receives /v1/batch like the gateway, resolves persons like identity would (CustomerID, else a hash of the anonymous id), and stores through the sink.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private Receiver(WebApplication app, string url) { this._app = app; Url = url; }
        public string Url { get; }

        public static async Task<Receiver> StartAsync(AnalyticsDatabase db)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            long offset = 0;
            app.MapPost("/v1/batch", async (HttpContext http) =>
            {
                if (http.Request.Headers.Authorization.ToString() != "Basic " + Convert.ToBase64String("wk_test:"u8.ToArray()))
                    return Results.Unauthorized();
                using var doc = await JsonDocument.ParseAsync(http.Request.Body);
                var events = doc.RootElement.GetProperty("batch").EnumerateArray().Select(e =>
                {
                    var user = e.TryGetProperty("userId", out var u) ? u.GetString() : null;
                    var anonymous = e.TryGetProperty("anonymousId", out var a) ? a.GetString() : null;
                    var person = user is not null ? long.Parse(user, CultureInfo.InvariantCulture) : 1_000_000 + (long)(uint)anonymous!.GetHashCode(StringComparison.Ordinal);
                    var at = DateTimeOffset.Parse(e.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
                    return new IdentifiedEvent(person, new TrackingEvent
                    {
                        MessageId = e.GetProperty("messageId").GetString()!, Type = "track", Event = e.GetProperty("event").GetString(),
                        Tenant = "default", Source = "import", UserId = user, AnonymousId = anonymous, Timestamp = at, ReceivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                        Properties = e.GetProperty("properties").GetRawText(),
                    });
                }).ToList();
                await db.StoreAsync(events, 0, offset);
                offset += events.Count;
                return Results.Ok(new { success = true });
            });
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new Receiver(app, url + "/");
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
