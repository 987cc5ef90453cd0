using System.Globalization;
using System.IO.Compression;
using Streaming.Contracts.Records;

namespace Streaming.Scoring.Tests;

/// <summary>
/// The Online Retail invoices (Data/README.md) as identified events, read independently of the CLI
/// importer: an invoice of a customer is an <c>Order Completed</c> (or, 'C', <c>Order Refunded</c>)
/// event of person = CustomerID at its UK time with its revenue. Guest invoices are left out (no
/// person to score). <see cref="WithActivity"/> adds browsing, carts and message opens to some
/// customers so every feature has something to compute.
/// </summary>
public static class RetailHistory
{
    public static readonly string File = Path.Combine(AppContext.BaseDirectory, "Data", "online-retail-invoices.csv.gz");
    private static readonly TimeZoneInfo Uk = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public sealed record Invoice(string Number, DateTimeOffset At, long Customer, decimal Revenue)
    {
        public bool Refund => Number.StartsWith('C');
    }

    public static List<Invoice> Invoices(string? file = null)
    {
        using var text = new StreamReader(new GZipStream(System.IO.File.OpenRead(file ?? File), CompressionMode.Decompress));
        _ = text.ReadLine();
        var invoices = new List<Invoice>();
        while (text.ReadLine() is { } line)
        {
            var f = line.Split(',');
            // Country may be quoted with a comma inside; the customer is the third field and the revenue the last.
            if (f[2].Length == 0)
                continue;
            var local = DateTime.ParseExact(f[1], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var at = new DateTimeOffset(local, Uk.GetUtcOffset(local));
            invoices.Add(new Invoice(f[0], at, long.Parse(f[2], CultureInfo.InvariantCulture), decimal.Parse(f[^1], CultureInfo.InvariantCulture)));
        }
        return invoices;
    }

    public static List<IdentifiedEvent> Events(string tenant, IEnumerable<Invoice> invoices) =>
        [.. invoices.Select(i => Track(tenant, i.Customer, i.Refund ? "Order Refunded" : "Order Completed", i.At, "inv-" + i.Number,
            $$"""{"order_id":"{{i.Number}}","revenue":{{i.Revenue.ToString(CultureInfo.InvariantCulture)}}}"""))];

    /// <summary>Every 5th customer browses a day before each order, every 7th adds to a cart after it, every 3rd opens a message two days after.</summary>
    public static List<IdentifiedEvent> WithActivity(string tenant, IReadOnlyList<Invoice> invoices)
    {
        var events = Events(tenant, invoices);
        foreach (var i in invoices.Where(i => !i.Refund))
        {
            if (i.Customer % 5 == 0)
                events.Add(Track(tenant, i.Customer, "Product Viewed", i.At.AddDays(-1), "view-" + i.Number));
            if (i.Customer % 7 == 0)
                events.Add(Track(tenant, i.Customer, "Product Added", i.At.AddHours(3), "add-" + i.Number));
            if (i.Customer % 3 == 0)
                events.Add(Track(tenant, i.Customer, "Message Opened", i.At.AddDays(2), "open-" + i.Number));
        }
        return [.. events.OrderBy(e => e.Event.Timestamp).ThenBy(e => e.Event.MessageId, StringComparer.Ordinal)];
    }

    public static IdentifiedEvent Track(string tenant, long person, string name, DateTimeOffset at, string messageId, string properties = "{}") =>
        new(person, new TrackingEvent
        {
            MessageId = messageId,
            Type = "track",
            Event = name,
            Tenant = tenant,
            Source = "test",
            UserId = person.ToString(CultureInfo.InvariantCulture),
            Timestamp = at.ToUnixTimeMilliseconds(),
            // Received now: the events table's TTL counts from reception, and 2011 would be long expired.
            ReceivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Properties = properties,
        });
}
