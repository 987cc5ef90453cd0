using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClickHouse.Driver.ADO;
using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.Scoring.Training;

namespace Streaming.Cli.Train;

/// <summary>
/// <c>streaming train churn</c>: trains the churn model on ClickHouse history, prints the evaluation
/// report beside the recency baseline, and with <c>--publish</c> stores it as a model definition
/// through the scoring API. The last line is the headline as JSON (keys kept exactly as issue #18 names them).
/// </summary>
internal static class TrainChurnCommand
{
    public const string Usage = """
          streaming train churn [--train-as-of YYYY-MM-DD] [--evaluate-as-of YYYY-MM-DD] [--horizon 60d] [--tenant T]
                               [--clickhouse URL] [--clickhouse-user U] [--clickhouse-password P] [--database DB]
                               [--publish] [--api URL] [--api-key KEY]
        --clickhouse defaults to http://127.0.0.1:8123 (the standalone's), the password to $STREAMING_CLICKHOUSE_PASSWORD,
        --database to streaming, --tenant to default, --horizon to 60d; omitted cuts are the latest the history allows.
        --publish stores the model through PUT <api>/api/scoring/models/<id> (--api defaults to http://127.0.0.1:8080,
        the key to $STREAMING_ADMIN_KEY). Exit code 0: trained (and published); 1: refused (too little data); 2: bad usage.
        """;

    private static readonly string[] Known = ["--train-as-of", "--evaluate-as-of", "--horizon", "--tenant", "--clickhouse", "--clickhouse-user", "--clickhouse-password", "--database", "--api", "--api-key"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        var publish = args.Contains("--publish");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = args.Where(a => a != "--publish").ToArray();
        for (var i = 0; i < rest.Length; i += 2)
        {
            if (!Known.Contains(rest[i]))
                throw new CommandException($"Unknown option '{rest[i]}'.\nusage:\n{Usage}");
            if (i + 1 >= rest.Length)
                throw new CommandException($"{rest[i]} needs a value.");
            options[rest[i]] = rest[i + 1];
        }
        var tenant = options.GetValueOrDefault("--tenant") ?? "default";
        var horizon = Horizon(options.GetValueOrDefault("--horizon") ?? "60d");
        var train = Date(options, "--train-as-of");
        var evaluate = Date(options, "--evaluate-as-of");
        var database = options.GetValueOrDefault("--database") ?? "streaming";
        if (database.Length == 0 || !database.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new CommandException("--database must be a plain identifier (letters, digits, '_').");
        var connectionString = ConnectionString(options);

        var features = new OfflineChurnFeatures(connectionString, database);
        var history = await features.HistoryAsync(tenant, cancellationToken);
        if (history is null)
        {
            await error.WriteLineAsync($"Tenant '{tenant}' has no events in {database}.events: import some first (streaming import online-retail ...).");
            return 1;
        }
        var request = TrainingRequest.Latest(tenant, history.Value.Last, horizon, train, evaluate);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training churn for tenant '{tenant}': history {history.Value.First:yyyy-MM-dd} .. {history.Value.Last:yyyy-MM-dd}, train as of {request.TrainAsOf:yyyy-MM-dd}, evaluate as of {request.EvaluateAsOf:yyyy-MM-dd}, horizon {horizon.TotalDays:F0} days"));
        var step = 0;
        var trainer = new ChurnTrainer(features, message => output.WriteLine($"[{++step}/4] {message}"));
        var outcome = await trainer.TrainAsync(request, 0.5, TimeProvider.System, cancellationToken);
        if (outcome.Model is not { } model)
        {
            await error.WriteLineAsync("refused: " + outcome.Refusal);
            return 1;
        }
        ReportWriter.Write(model.Evaluation, output);
        if (publish)
        {
            var id = ChurnModelDefinition.IdFor(request.EvaluateAsOf, model.TrainedAt);
            await PublishAsync(options, tenant, id, model, handler, cancellationToken);
            output.WriteLine($"published model '{id}' for tenant '{tenant}'");
        }
        else
        {
            output.WriteLine("not published (add --publish to store it as the tenant's model)");
        }
        var e = model.Evaluation;
        output.WriteLine(JsonSerializer.Serialize(new
        {
            auc = Math.Round(e.Model.Auc, 4),
            precisionTop10 = Math.Round(e.Model.PrecisionTop10, 4),
            baselineAuc = Math.Round(e.Baseline.Auc, 4),
            persons = e.Persons,
            churnRate = Math.Round(e.ChurnRate, 4),
        }));
        return 0;
    }

    private static async Task PublishAsync(Dictionary<string, string> options, string tenant, string id, ChurnModelDefinition model, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        var api = new Uri(options.GetValueOrDefault("--api") ?? "http://127.0.0.1:8080/");
        var key = options.GetValueOrDefault("--api-key") ?? Environment.GetEnvironmentVariable("STREAMING_ADMIN_KEY")
            ?? throw new CommandException("--publish needs an admin key: pass --api-key <key> or set STREAMING_ADMIN_KEY.");
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(api, $"api/scoring/models/{Uri.EscapeDataString(id)}"))
        {
            Content = new StringContent(model.ToJson(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-Tenant", tenant);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new CommandException($"The scoring API refused the model ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    private static string ConnectionString(Dictionary<string, string> options)
    {
        var url = new Uri(options.GetValueOrDefault("--clickhouse") ?? "http://127.0.0.1:8123");
        var builder = new ClickHouseConnectionStringBuilder
        {
            Host = url.Host,
            Port = (ushort)url.Port,
            Protocol = url.Scheme,
            Username = options.GetValueOrDefault("--clickhouse-user") ?? "default",
            Password = options.GetValueOrDefault("--clickhouse-password") ?? Environment.GetEnvironmentVariable("STREAMING_CLICKHOUSE_PASSWORD") ?? "",
        };
        return builder.ConnectionString;
    }

    private static DateTimeOffset? Date(Dictionary<string, string> options, string name) =>
        options.GetValueOrDefault(name) is not { } text ? null
        : DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day)
            ? new DateTimeOffset(day, TimeSpan.Zero)
            : throw new CommandException($"{name} must be a date like 2011-04-01 (got '{text}').");

    private static TimeSpan Horizon(string text) =>
        text.EndsWith('d') && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is > 0 and <= 365
            ? TimeSpan.FromDays(days)
            : throw new CommandException($"--horizon must be a number of days like 60d, 1 to 365 (got '{text}').");
}

/// <summary>Bad usage of a command: printed, exit code 2.</summary>
internal sealed class CommandException(string message) : Exception(message);
