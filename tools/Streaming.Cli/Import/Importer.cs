using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Streaming.Cli.Import;

/// <summary>Sends events in batches with a progress bar on one line and a summary at the end.</summary>
internal sealed class Importer(GatewayClient gateway, TextWriter output, int batchSize = 500)
{
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
        foreach (var (e, n) in events)
        {
            batch.Add(e);
            lines += n;
            if (e["userId"]?.GetValue<string>() is { } user)
                users.Add(user);
            else
                guests++;
            if (batch.Count < batchSize)
                continue;
            refused.AddRange(await gateway.PostAsync(batch, cancellationToken));
            sent += batch.Count;
            batch.Clear();
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(1))
            {
                lastReport = clock.Elapsed;
                Report(progress(), sent, lines, clock.Elapsed);
            }
        }
        if (batch.Count > 0)
        {
            refused.AddRange(await gateway.PostAsync(batch, cancellationToken));
            sent += batch.Count;
        }
        Report(1, sent, lines, clock.Elapsed);
        var summary = new Summary(sent, lines, users.Count, guests, clock.Elapsed, refused);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {summary.Events - refused.Count:N0} events from {summary.Lines:N0} lines ({summary.Users:N0} users, {summary.Guests:N0} guest events) in {summary.Elapsed.TotalSeconds:F1} s"));
        if (refused.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the gateway refused {refused.Count:N0} events (not imported):"));
            foreach (var line in refused.Take(20))
                output.WriteLine("  " + line);
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
