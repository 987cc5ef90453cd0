using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Streaming.Cli.Import;

/// <summary>
/// The UCI Online Retail file as tracking events (see ../shared/datasets/README.md): one event per
/// invoice, <c>Order Completed</c> (or <c>Order Refunded</c> for a 'C' invoice) of userId =
/// CustomerID (a guest invoice gets the anonymous id <c>guest-&lt;InvoiceNo&gt;</c>), at InvoiceDate
/// read as UK time, with properties order_id, revenue (sum of Quantity x UnitPrice), products,
/// country. The messageId is derived from the InvoiceNo, so importing twice stores nothing twice.
/// An invoice whose event would be larger than the gateway's event limit (Segment's 32 KB; 27 of the
/// 10,783 invoices of the 2010-12..2011-05 slice, up to 675 lines) keeps every line but leaves out the
/// product names (the descriptions, which the StockCode already identifies) and says so with
/// <c>products_names_omitted: true</c>, so order counts, revenue and line counts stay exact.
/// </summary>
internal static class OnlineRetail
{
    public static readonly string[] Header = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"];
    private static readonly TimeZoneInfo UkTime = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public sealed record Invoice(JsonObject Event, int Lines);

    /// <summary>How many lines after its last line an invoice stays open for more of its lines.</summary>
    public const int InterleaveWindow = 1_000;

    /// <summary>
    /// Invoices in order of their first line. The lines of one invoice are nearly always consecutive,
    /// but the file interleaves a few (an invoice continued after another one of the same minute), so
    /// an invoice is emitted once <see cref="InterleaveWindow"/> lines passed without more of it. A
    /// part seen even later still gets its own messageId (<c>-2</c>, ...): a repeated messageId would
    /// be dropped downstream as a duplicate and its lines lost.
    /// </summary>
    /// <summary>The gateway's default <c>Gateway:MaxEventBytes</c>.</summary>
    public const int DefaultMaxEventBytes = 32 * 1024;

    public static IEnumerable<Invoice> Invoices(CsvReader csv, int maxEventBytes = DefaultMaxEventBytes)
    {
        using var rows = csv.Rows().GetEnumerator();
        if (!rows.MoveNext() || !rows.Current.SequenceEqual(Header))
            throw new FormatException($"Not an Online Retail file: the first line must be {string.Join(',', Header)}.");
        var open = new Dictionary<string, (List<string[]> Lines, int Last)>(StringComparer.Ordinal);
        var order = new Queue<string>();
        var parts = new Dictionary<string, int>(StringComparer.Ordinal);
        var line = 1;
        while (rows.MoveNext())
        {
            line++;
            var row = rows.Current;
            if (row.Length != Header.Length)
                throw new FormatException($"Line {line}: expected {Header.Length} columns, found {row.Length}.");
            if (open.TryGetValue(row[0], out var invoice))
            {
                invoice.Lines.Add(row);
                open[row[0]] = (invoice.Lines, line);
            }
            else
            {
                open[row[0]] = ([row], line);
                order.Enqueue(row[0]);
            }
            while (order.TryPeek(out var first) && open[first].Last < line - InterleaveWindow)
                yield return Close(order.Dequeue());
        }
        while (order.Count > 0)
            yield return Close(order.Dequeue());

        Invoice Close(string number)
        {
            var lines = open[number].Lines;
            open.Remove(number);
            var part = parts[number] = parts.GetValueOrDefault(number) + 1;
            return ToEvent(lines, part, maxEventBytes);
        }
    }

    public static string MessageId(string invoiceNo) => "online-retail-" + invoiceNo;

    private static Invoice ToEvent(List<string[]> lines, int part, int maxEventBytes)
    {
        var first = lines[0];
        var invoice = first[0];
        var local = DateTime.ParseExact(first[4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None);
        var at = new DateTimeOffset(local, UkTime.GetUtcOffset(local));
        decimal revenue = 0;
        var products = new JsonArray();
        foreach (var l in lines)
        {
            var quantity = int.Parse(l[3], CultureInfo.InvariantCulture);
            var price = decimal.Parse(l[5], CultureInfo.InvariantCulture);
            revenue += quantity * price;
            products.Add(new JsonObject { ["sku"] = l[1], ["name"] = l[2], ["quantity"] = quantity, ["price"] = price });
        }
        var customer = first[6];
        var e = new JsonObject
        {
            ["type"] = "track",
            ["event"] = invoice.StartsWith('C') ? "Order Refunded" : "Order Completed",
            ["messageId"] = part == 1 ? MessageId(invoice) : $"{MessageId(invoice)}-{part}",
            ["timestamp"] = at.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["properties"] = new JsonObject
            {
                ["order_id"] = invoice,
                ["revenue"] = revenue,
                ["currency"] = "GBP",
                ["country"] = first[7],
                ["products"] = products,
            },
        };
        if (customer.Length > 0)
            e["userId"] = customer;
        else
            e["anonymousId"] = "guest-" + invoice;
        if (Encoding.UTF8.GetByteCount(e.ToJsonString()) > maxEventBytes)
        {
            foreach (var product in products)
                product!.AsObject().Remove("name");
            e["properties"]!["products_names_omitted"] = true;
        }
        return new Invoice(e, lines.Count);
    }
}
