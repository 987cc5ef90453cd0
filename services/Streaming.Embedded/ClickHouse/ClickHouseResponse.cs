using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Streaming.Embedded.ClickHouse;

/// <summary>Writes answers the way ClickHouse's HTTP interface does: headers, content types, errors.</summary>
internal static class ClickHouseResponse
{
    public static void WriteCommonHeaders(HttpResponse response, string queryId, string timezone)
    {
        response.Headers["X-ClickHouse-Query-Id"] = queryId;
        response.Headers["X-ClickHouse-Timezone"] = timezone;
        response.Headers["X-ClickHouse-Server-Display-Name"] = "streaming-embedded";
    }

    /// <summary>The summary header the driver turns into QueryStats.</summary>
    public static string Summary(ulong readRows, ulong readBytes, ulong writtenRows, ulong writtenBytes, ulong resultRows, long resultBytes, TimeSpan elapsed)
    {
        static string Quoted(ulong value) => "\"" + value.ToString(CultureInfo.InvariantCulture) + "\"";
        return new StringBuilder()
            .Append("{\"read_rows\":").Append(Quoted(readRows))
            .Append(",\"read_bytes\":").Append(Quoted(readBytes))
            .Append(",\"written_rows\":").Append(Quoted(writtenRows))
            .Append(",\"written_bytes\":").Append(Quoted(writtenBytes))
            .Append(",\"total_rows_to_read\":").Append(Quoted(readRows))
            .Append(",\"result_rows\":").Append(Quoted(resultRows))
            .Append(",\"result_bytes\":").Append(Quoted((ulong)Math.Max(0, resultBytes)))
            .Append(",\"elapsed_ns\":").Append(Quoted((ulong)(elapsed.Ticks * 100)))
            .Append('}')
            .ToString();
    }

    /// <summary>Content-Type ClickHouse sends for an output format.</summary>
    public static string ContentType(string format)
    {
        var name = format.ToLowerInvariant();
        if (name.StartsWith("tabseparated", StringComparison.Ordinal) || name.StartsWith("tsv", StringComparison.Ordinal))
        {
            return "text/tab-separated-values; charset=UTF-8";
        }

        if (name.StartsWith("csv", StringComparison.Ordinal))
        {
            return name.Contains("withnames", StringComparison.Ordinal) ? "text/csv; charset=UTF-8; header=present" : "text/csv; charset=UTF-8; header=absent";
        }

        if (name.Contains("eachrow", StringComparison.Ordinal) || name is "jsonlines" or "ndjson")
        {
            return "application/x-ndjson; charset=UTF-8";
        }

        if (name.StartsWith("json", StringComparison.Ordinal))
        {
            return "application/json; charset=UTF-8";
        }

        if (name.StartsWith("pretty", StringComparison.Ordinal) || name is "vertical" or "markdown" or "values" or "template" or "prometheus")
        {
            return "text/plain; charset=UTF-8";
        }

        return name == "xml" ? "application/xml; charset=UTF-8" : "application/octet-stream";
    }

    /// <summary>ClickHouse's error answer: status by code, the code in a header, "Code: N. DB::Exception: ..." as the body.</summary>
    public static async Task WriteErrorAsync(HttpContext context, ClickHouseError error, string version)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = error.HttpStatus;
        response.ContentType = "text/plain; charset=UTF-8";
        response.Headers.Remove("Content-Encoding");
        response.Headers["X-ClickHouse-Exception-Code"] = error.Code.ToString(CultureInfo.InvariantCulture);
        var text = error.Text;
        if (!text.Contains("(version ", StringComparison.Ordinal))
        {
            text += $" (version {version})";
        }

        var body = Encoding.UTF8.GetBytes(text + "\n");
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }
}
