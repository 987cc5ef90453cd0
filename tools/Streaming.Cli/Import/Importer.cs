using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Streaming.Cli.Import;

/// <summary>Sends events in batches with a progress bar on one line and a summary at the end.</summary>
internal sealed class Importer(GatewayClient gateway, TextWriter output, int batchSize = 500)
{
    /// <summary>Bytes of event JSON per request, under the gateway's default 500 KB (512,000) request limit with room for the envelope.</summary>
    public const int MaxBatchBytes = 450_000;

    /// <summary><see cref="Events"/> sent, of which <see cref="Refused"/> the gateway refused (one line each: messageId and reasons).</summary>
    public sealed record Summary(long Events, long Lines, long Users, long Guests, TimeSpan Elapsed, IReadOnlyList<string> Refused);

    public async Task<Summary> RunAsync(IEnumerable<(JsonObject Event, int Lines)> events, Func<double> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var batch = new List<JsonObject>(batchSize);
        long sent = 0, lines = 0, guests = 0;
        var users = new HashSet<string>(StringComparer.Ordinal);
        var refused = new List<string>();
        var batchBytes = 0;

        async Task SendAsync()
        {
            refused.AddRange(await gateway.PostAsync(batch, cancellationToken));
            sent += batch.Count;
            batch.Clear();
            batchBytes = 0;
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(1))
            {
                lastReport = clock.Elapsed;
                Report(progress(), sent, lines, clock.Elapsed);
            }
        }

        foreach (var (e, n) in events)
        {
            // The gateway takes at most 500 KB per request (Gateway:MaxRequestBytes): a batch is cut by
            // bytes as well as by count, or a few large events (big invoices) make it answer 413.
            var size = Encoding.UTF8.GetByteCount(e.ToJsonString()) + 1;
            if (batch.Count > 0 && batchBytes + size > MaxBatchBytes)
                await SendAsync();
            batch.Add(e);
            batchBytes += size;
            lines += n;
            if (e["userId"]?.GetValue<string>() is { } user)
                users.Add(user);
            else
                guests++;
            if (batch.Count >= batchSize)
                await SendAsync();
        }
        if (batch.Count > 0)
            await SendAsync();
        Report(1, sent, lines, clock.Elapsed);
        var summary = new Summary(sent, lines, users.Count, guests, clock.Elapsed, refused);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {summary.Events - refused.Count:N0} events from {summary.Lines:N0} lines ({summary.Users:N0} users, {summary.Guests:N0} guest events) in {summary.Elapsed.TotalSeconds:F1} s"));
        if (refused.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the gateway refused {refused.Count:N0} events (not imported):"));
            foreach (var line in refused.Take(1000))
                output.WriteLine("  " + line);
            if (refused.Count > 1000)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ... and {refused.Count - 1000:N0} more"));
        }
        return summary;
    }

    private void Report(double share, long sent, long lines, TimeSpan elapsed)
    {
        const int width = 30;
        var filled = (int)Math.Round(Math.Clamp(share, 0, 1) * width);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', width - filled)}] {share * 100,3:F0}%  {sent:N0} events, {lines:N0} lines, {sent / Math.Max(elapsed.TotalSeconds, 0.001):N0} events/s"));
    }
}
