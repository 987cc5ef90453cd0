using System.Text;
using Streaming.Cli.Import;

namespace Streaming.EndToEnd.Tests;

/// <summary>How the CLI reads the Online Retail file; the import through the running system is in <see cref="WholeSystem_OnlineRetailImportTests"/>.</summary>
public sealed class Cli_OnlineRetailFileTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "online-retail-" + Guid.NewGuid().ToString("N") + ".csv");

    [Fact]
    public void Online_retail_reader_keeps_an_interleaved_invoice_whole_when_another_invoice_cuts_into_it()
    {
        // As in the real slice (542806 around C542805): the invoice continues after a refund of the same minute.
        Write(
            "542806,48194,DOORMAT HEARTS,1,2011-02-01 11:19:00,7.95,12836,United Kingdom",
            "C542805,22156,HEART DECORATION WITH PEARLS ,-1,2011-02-01 11:19:00,0.85,14606,United Kingdom",
            "542806,22692,DOORMAT WELCOME TO OUR HOME,2,2011-02-01 11:20:00,7.95,12836,United Kingdom");

        var invoices = Read();

        Assert.Equal(["online-retail-542806", "online-retail-C542805"], invoices.Select(i => (string)i.Event["messageId"]!).Order(StringComparer.Ordinal));
        var order = invoices.Single(i => (string)i.Event["messageId"]! == "online-retail-542806");
        Assert.Equal(2, order.Lines);
        Assert.Equal(7.95m + 2 * 7.95m, (decimal)order.Event["properties"]!["revenue"]!);
    }

    [Fact]
    public void Online_retail_reader_sends_one_order_event_when_the_lines_of_an_invoice_are_thousands_of_lines_apart()
    {
        var filler = Enumerable.Range(0, 5_000).Select(i => $"5{i:D5},85123A,HEART T-LIGHT HOLDER,1,2011-02-01 12:00:00,2.55,17850,United Kingdom");
        Write(["542806,48194,DOORMAT HEARTS,1,2011-02-01 11:19:00,7.95,12836,United Kingdom", .. filler,
            "542806,22692,DOORMAT WELCOME TO OUR HOME,2,2011-02-01 11:20:00,7.95,12836,United Kingdom"]);

        var parts = Read().Where(i => (string)i.Event["properties"]!["order_id"]! == "542806").ToList();

        var order = Assert.Single(parts);
        Assert.Equal("online-retail-542806", (string)order.Event["messageId"]!);
        Assert.Equal(2, order.Lines);
        Assert.Equal(3 * 7.95m, (decimal)order.Event["properties"]!["revenue"]!);
    }

    [Fact]
    public void Online_retail_reader_splits_an_invoice_over_the_event_limit_into_one_order_event_and_continuations_with_every_line_and_name()
    {
        var big = Enumerable.Range(0, 1_200).Select(i => $"573585,{21000 + i},A RATHER LONG PRODUCT DESCRIPTION NUMBER {i},2,2011-10-31 14:41:00,1.25,,United Kingdom");
        Write([.. big, "573586,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2011-10-31 14:44:00,2.55,17850,United Kingdom"]);

        var events = Read();

        var parts = events.Where(e => (string)e.Event["properties"]!["order_id"]! == "573585").ToList();
        Assert.True(parts.Count > 2, $"{parts.Count} events");
        Assert.All(parts, p => Assert.True(Encoding.UTF8.GetByteCount(p.Event.ToJsonString()) <= OnlineRetail.DefaultMaxEventBytes));
        var order = parts[0].Event;
        Assert.Equal("Order Completed", (string)order["event"]!);
        Assert.Equal("online-retail-573585", (string)order["messageId"]!);
        Assert.Equal(1_200 * 2 * 1.25m, (decimal)order["properties"]!["revenue"]!);
        Assert.Equal(1_200, (int)order["properties"]!["products_count"]!);
        Assert.Equal(parts.Count, (int)order["properties"]!["parts"]!);
        var continuations = parts.Skip(1).Select(p => p.Event).ToList();
        Assert.All(continuations, c =>
        {
            Assert.Equal(OrderSplit.ContinuedEvent, (string)c["event"]!);
            Assert.Equal("Order Completed", (string)c["properties"]!["continues"]!);
            Assert.Null(c["properties"]!["revenue"]);
            Assert.Equal("guest-573585", (string)c["anonymousId"]!);
            Assert.Equal((string)order["timestamp"]!, (string)c["timestamp"]!);
        });
        Assert.Equal(Enumerable.Range(2, parts.Count - 1), continuations.Select(c => (int)c["properties"]!["part"]!));
        Assert.Equal(parts.Count, parts.Select(p => (string)p.Event["messageId"]!).Distinct().Count());
        var products = parts.SelectMany(p => p.Event["properties"]!["products"]!.AsArray()).ToList();
        Assert.Equal(Enumerable.Range(0, 1_200).Select(i => $"A RATHER LONG PRODUCT DESCRIPTION NUMBER {i}"), products.Select(p => (string)p!["name"]!));
        Assert.Equal(1_200, parts.Sum(p => p.Lines));
        var small = events.Single(e => (string)e.Event["properties"]!["order_id"]! == "573586").Event["properties"]!;
        Assert.Null(small["parts"]);
        Assert.Equal("WHITE HANGING HEART T-LIGHT HOLDER", (string)small["products"]![0]!["name"]!);
    }

    private void Write(params string[] lines) => File.WriteAllLines(_file, [string.Join(',', OnlineRetail.Header), .. lines]);

    private List<OnlineRetail.OrderEvent> Read()
    {
        Dictionary<string, int> counts;
        using (var counting = new CsvReader(_file))
            counts = OnlineRetail.LineCounts(counting);
        using var csv = new CsvReader(_file);
        return OnlineRetail.Events(csv, counts).ToList();
    }

    public void Dispose() => File.Delete(_file);
}
