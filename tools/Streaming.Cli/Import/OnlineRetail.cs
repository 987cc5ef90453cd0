using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Streaming.Cli.Import;

/// <summary>
/// The UCI Online Retail file as tracking events (see ../shared/datasets/README.md): one order event
/// per invoice, <c>Order Completed</c> (or <c>Order Refunded</c> for a 'C' invoice) of userId =
/// CustomerID (a guest invoice gets the anonymous id <c>guest-&lt;InvoiceNo&gt;</c>), at InvoiceDate
/// read as UK time, with properties order_id, revenue (sum of Quantity x UnitPrice), products,
/// country. The messageId is derived from the InvoiceNo, so importing twice stores nothing twice.
/// An invoice too large for one event (<see cref="OrderSplit"/>) keeps its order event, with the
/// whole revenue, and carries the rest of its products in <c>Order Continued</c> events.
/// </summary>
internal static class OnlineRetail
{
    public static readonly string[] Header = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"];
    private static readonly TimeZoneInfo UkTime = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>One event to send and the number of file lines it carries.</summary>
    public sealed record OrderEvent(JsonObject Event, int Lines);

    /// <summary>The gateway's default <c>Gateway:MaxEventBytes</c>.</summary>
    public const int DefaultMaxEventBytes = 32 * 1024;

    /// <summary>
    /// Lines per invoice, from a first pass over the file. The lines of one invoice are nearly always
    /// consecutive, but the file interleaves a few (542806 continues after C542805), so an invoice is
    /// sent once all its lines were read: one order is one order event, wherever its lines are.
    /// </summary>
    public static Dictionary<string, int> LineCounts(CsvReader csv)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var line = 1;
        foreach (var row in Rows(csv))
        {
            line++;
            if (row.Length != Header.Length)
                throw new FormatException($"Line {line}: expected {Header.Length} columns, found {row.Length}.");
            counts[row[0]] = counts.GetValueOrDefault(row[0]) + 1;
        }
        return counts;
    }

    /// <summary>The events of every invoice, in the order invoices are completed (see <see cref="LineCounts"/>).</summary>
    public static IEnumerable<OrderEvent> Events(CsvReader csv, IReadOnlyDictionary<string, int> lineCounts, int maxEventBytes = DefaultMaxEventBytes)
    {
        var open = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
        var line = 1;
        foreach (var row in Rows(csv))
        {
            line++;
            if (row.Length != Header.Length)
                throw new FormatException($"Line {line}: expected {Header.Length} columns, found {row.Length}.");
            if (!lineCounts.TryGetValue(row[0], out var expected))
                throw new FormatException($"Line {line}: invoice {row[0]} was not in the file when its lines were counted (was the file changed during the import?).");
            if (!open.TryGetValue(row[0], out var lines))
                open[row[0]] = lines = new List<string[]>(expected);
            lines.Add(row);
            if (lines.Count < expected)
                continue;
            open.Remove(row[0]);
            foreach (var e in ToEvents(lines, maxEventBytes))
                yield return e;
        }
        if (open.Count > 0)
            throw new FormatException($"Invoices {string.Join(", ", open.Keys.Take(5))} have fewer lines than when they were counted (was the file changed during the import?).");
    }

    public static string MessageId(string invoiceNo) => "online-retail-" + invoiceNo;

    private static IEnumerable<string[]> Rows(CsvReader csv)
    {
        using var rows = csv.Rows().GetEnumerator();
        if (!rows.MoveNext() || !rows.Current.SequenceEqual(Header))
            throw new FormatException($"Not an Online Retail file: the first line must be {string.Join(',', Header)}.");
        while (rows.MoveNext())
            yield return rows.Current;
    }

    private static IEnumerable<OrderEvent> ToEvents(List<string[]> lines, int maxEventBytes)
    {
        var first = lines[0];
        var invoice = first[0];
        var local = DateTime.ParseExact(first[4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None);
        var at = new DateTimeOffset(local, UkTime.GetUtcOffset(local));
        decimal revenue = 0;
        var products = new List<JsonObject>(lines.Count);
        foreach (var l in lines)
        {
            var quantity = int.Parse(l[3], CultureInfo.InvariantCulture);
            var price = decimal.Parse(l[5], CultureInfo.InvariantCulture);
            revenue += quantity * price;
            products.Add(new JsonObject { ["sku"] = l[1], ["name"] = l[2], ["quantity"] = quantity, ["price"] = price });
        }
        var customer = first[6];
        var order = new JsonObject
        {
            ["type"] = "track",
            ["event"] = invoice.StartsWith('C') ? "Order Refunded" : "Order Completed",
            ["messageId"] = MessageId(invoice),
            ["timestamp"] = at.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["properties"] = new JsonObject
            {
                ["order_id"] = invoice,
                ["revenue"] = revenue,
                ["currency"] = "GBP",
                ["country"] = first[7],
            },
        };
        if (customer.Length > 0)
            order["userId"] = customer;
        else
            order["anonymousId"] = "guest-" + invoice;
        return OrderSplit.Split(order, products, maxEventBytes).Select(e => new OrderEvent(e.Event, e.Products));
    }
}
