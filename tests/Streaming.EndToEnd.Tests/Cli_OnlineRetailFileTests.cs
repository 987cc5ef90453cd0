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
        File.WriteAllLines(_file,
        [
            string.Join(',', OnlineRetail.Header),
            "542806,48194,DOORMAT HEARTS,1,2011-02-01 11:19:00,7.95,12836,United Kingdom",
            "C542805,22156,HEART DECORATION WITH PEARLS ,-1,2011-02-01 11:19:00,0.85,14606,United Kingdom",
            "542806,22692,DOORMAT WELCOME TO OUR HOME,2,2011-02-01 11:20:00,7.95,12836,United Kingdom",
        ]);
        using var csv = new CsvReader(_file);

        var invoices = OnlineRetail.Invoices(csv).ToList();

        Assert.Equal(["online-retail-542806", "online-retail-C542805"], invoices.Select(i => (string)i.Event["messageId"]!));
        Assert.Equal(2, invoices[0].Lines);
        Assert.Equal(7.95m + 2 * 7.95m, (decimal)invoices[0].Event["properties"]!["revenue"]!);
    }

    [Fact]
    public void Online_retail_reader_gives_a_part_seen_after_the_window_its_own_message_id_so_it_is_not_dropped_as_a_duplicate()
    {
        var filler = Enumerable.Range(0, OnlineRetail.InterleaveWindow + 1).Select(i => $"5{i:D5},85123A,HEART T-LIGHT HOLDER,1,2011-02-01 12:00:00,2.55,17850,United Kingdom");
        File.WriteAllLines(_file,
        [
            string.Join(',', OnlineRetail.Header),
            "542806,48194,DOORMAT HEARTS,1,2011-02-01 11:19:00,7.95,12836,United Kingdom",
            .. filler,
            "542806,22692,DOORMAT WELCOME TO OUR HOME,2,2011-02-01 11:20:00,7.95,12836,United Kingdom",
        ]);
        using var csv = new CsvReader(_file);

        var parts = OnlineRetail.Invoices(csv).Where(i => (string)i.Event["properties"]!["order_id"]! == "542806").ToList();

        Assert.Equal(["online-retail-542806", "online-retail-542806-2"], parts.Select(i => (string)i.Event["messageId"]!));
        Assert.Equal(2, parts.Sum(p => p.Lines));
    }

    [Fact]
    public void Online_retail_reader_leaves_out_product_names_but_keeps_every_line_when_an_invoice_exceeds_the_event_limit()
    {
        var big = Enumerable.Range(0, 600).Select(i => $"536520,{21000 + i},A RATHER LONG PRODUCT DESCRIPTION NUMBER {i},2,2010-12-01 12:43:00,1.25,14729,United Kingdom");
        File.WriteAllLines(_file,
        [
            string.Join(',', OnlineRetail.Header),
            .. big,
            "536521,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 12:44:00,2.55,17850,United Kingdom",
        ]);
        using var csv = new CsvReader(_file);

        var invoices = OnlineRetail.Invoices(csv).ToList();

        var compacted = invoices[0].Event;
        Assert.True(Encoding.UTF8.GetByteCount(compacted.ToJsonString()) <= OnlineRetail.DefaultMaxEventBytes);
        Assert.True((bool)compacted["properties"]!["products_names_omitted"]!);
        var products = compacted["properties"]!["products"]!.AsArray();
        Assert.Equal(600, products.Count);
        Assert.All(products, p => Assert.Null(p!["name"]));
        Assert.Equal("21599", (string)products[599]!["sku"]!);
        Assert.Equal(600 * 2 * 1.25m, (decimal)compacted["properties"]!["revenue"]!);
        var small = invoices[1].Event["properties"]!;
        Assert.Null(small["products_names_omitted"]);
        Assert.Equal("WHITE HANGING HEART T-LIGHT HOLDER", (string)small["products"]![0]!["name"]!);
    }

    public void Dispose() => File.Delete(_file);
}
