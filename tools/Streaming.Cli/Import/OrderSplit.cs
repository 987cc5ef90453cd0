using System.Text;
using System.Text.Json.Nodes;

namespace Streaming.Cli.Import;

/// <summary>
/// Fits an order of any size under the gateway's per-event limit without changing what it counts.
/// The order event (<c>Order Completed</c>, <c>Order Refunded</c>) stays one event with the whole
/// order's figures (revenue, <c>products_count</c>) and as many products as fit; the remaining
/// products follow in <c>Order Continued</c> events (same person, time and <c>order_id</c>, no
/// revenue). So every consumer that counts orders or sums revenue by the order event (ClickHouse,
/// profiles' metrics and RFM, tag conditions, journey triggers) counts the order once and exactly,
/// and the sum of products over both event names is every line. See docs/analytics.md#import.
/// </summary>
internal static class OrderSplit
{
    public const string ContinuedEvent = "Order Continued";

    /// <summary>Room left for the part numbers written after sizing (a few digits each).</summary>
    private const int Slack = 32;

    /// <summary>
    /// The order event with <paramref name="products"/> in <c>properties.products</c>, or, when that
    /// is over <paramref name="maxEventBytes"/>, the order event and its continuations, each with the
    /// number of products it carries. <paramref name="order"/> must not have products yet.
    /// </summary>
    public static IEnumerable<(JsonObject Event, int Products)> Split(JsonObject order, IReadOnlyList<JsonObject> products, int maxEventBytes)
    {
        var sizes = products.Select(p => Encoding.UTF8.GetByteCount(p.ToJsonString())).ToArray();
        var whole = Size(order, withProducts: true) + sizes.Sum() + Math.Max(0, sizes.Length - 1);
        if (whole <= maxEventBytes)
        {
            order["properties"]!["products"] = new JsonArray([.. products]);
            return [(order, products.Count)];
        }

        var properties = order["properties"]!.AsObject();
        properties["products_count"] = products.Count;
        properties["parts"] = 0;
        var continuation = Continuation(order, part: 0, parts: 0);
        var chunks = new List<List<JsonObject>>();
        var next = 0;
        while (next < products.Count)
        {
            var room = maxEventBytes - Slack - Size(chunks.Count == 0 ? order : continuation, withProducts: true);
            var chunk = new List<JsonObject>();
            var used = 0;
            // At least one product per event, so a product larger than the room still moves on (the gateway names it).
            while (next < products.Count && (chunk.Count == 0 || used + 1 + sizes[next] <= room))
            {
                used += (chunk.Count == 0 ? 0 : 1) + sizes[next];
                chunk.Add(products[next++]);
            }
            chunks.Add(chunk);
        }

        properties["parts"] = chunks.Count;
        properties["products"] = new JsonArray([.. chunks[0]]);
        var events = new List<(JsonObject, int)>(chunks.Count) { (order, chunks[0].Count) };
        for (var k = 1; k < chunks.Count; k++)
        {
            var e = Continuation(order, k + 1, chunks.Count);
            e["properties"]!["products"] = new JsonArray([.. chunks[k]]);
            events.Add((e, chunks[k].Count));
        }
        return events;
    }

    /// <summary>The messageId of part <paramref name="part"/> (2, 3, ...) of an order event.</summary>
    public static string PartMessageId(string orderMessageId, int part) => $"{orderMessageId}-part-{part}";

    private static JsonObject Continuation(JsonObject order, int part, int parts)
    {
        var properties = order["properties"]!;
        var e = new JsonObject
        {
            ["type"] = "track",
            ["event"] = ContinuedEvent,
            ["messageId"] = PartMessageId((string)order["messageId"]!, part),
            ["timestamp"] = order["timestamp"]!.DeepClone(),
            ["properties"] = new JsonObject
            {
                ["order_id"] = properties["order_id"]?.DeepClone(),
                ["continues"] = order["event"]!.DeepClone(),
                ["part"] = part,
                ["parts"] = parts,
            },
        };
        foreach (var id in (string[])["userId", "anonymousId"])
        {
            if (order[id] is { } value)
                e[id] = value.DeepClone();
        }
        return e;
    }

    /// <summary>Bytes of <paramref name="e"/> as sent, with an empty products array when <paramref name="withProducts"/>.</summary>
    private static int Size(JsonObject e, bool withProducts)
    {
        var properties = e["properties"]!.AsObject();
        var had = properties["products"];
        if (withProducts && had is null)
            properties["products"] = new JsonArray();
        var size = Encoding.UTF8.GetByteCount(e.ToJsonString());
        if (withProducts && had is null)
            properties.Remove("products");
        return size;
    }
}
