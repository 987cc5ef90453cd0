using System.Globalization;
using Confluent.Kafka;
using Streaming.Cli.Import;
using Streaming.Cli.Train;
using Streaming.Cli.Redrive;

namespace Streaming.Cli;

/// <summary>The <c>streaming</c> command line: <c>import online-retail FILE</c>, <c>import csv FILE ...</c>, <c>train churn ...</c>.</summary>
internal static class Commands
{
    public const string Usage = """
        usage:
          streaming import online-retail <file.csv[.gz]> [--gateway URL] [--write-key KEY] [--batch N]
                               [--max-event-bytes N]
          streaming import csv <file.csv[.gz]> --timestamp-column C (--event-column C | --event NAME)
                               [--user-column C] [--anonymous-column C] [--message-id-column C]
                               [--gateway URL] [--write-key KEY] [--batch N]
          streaming redrive <topic> [--kafka HOST:PORT]      e.g. redrive dispatch.sms: <topic>.dlq back onto <topic>
        --kafka defaults to $STREAMING_KAFKA, else 127.0.0.1:9092.
        --gateway defaults to http://127.0.0.1:8080, --write-key to $STREAMING_WRITE_KEY, --max-event-bytes
        to 32768 (the gateway's Gateway:MaxEventBytes; a larger invoice keeps its order event and carries the
        rest of its products in "Order Continued" events, see docs/analytics.md#import).
        Exit code 0: every event imported; 1: the gateway refused some events (listed); 2: bad usage or input.
        """ + "\n" + TrainChurnCommand.Usage;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        if (args is ["train", "churn", .. var trainArgs])
        {
            try
            {
                return await TrainChurnCommand.RunAsync(trainArgs, output, error, cancellationToken, handler);
            }
            catch (CommandException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return 2;
            }
        }
        if (args is ["redrive", .. var rest])
            return await RedriveAsync(rest, output, error, cancellationToken);
        try
        {
            if (args.Length < 3 || args[0] != "import" || args[1] is not ("online-retail" or "csv"))
                throw new ImportException(Usage);
            var file = args[2];
            var options = Options(args.Skip(3).ToArray());
            if (!File.Exists(file))
                throw new ImportException($"File not found: {file}");
            var gateway = new Uri(Value(options, "--gateway") ?? "http://127.0.0.1:8080/");
            var writeKey = Value(options, "--write-key") ?? Environment.GetEnvironmentVariable("STREAMING_WRITE_KEY")
                ?? throw new ImportException("No write key: pass --write-key <key> or set STREAMING_WRITE_KEY.");
            var batch = int.TryParse(Value(options, "--batch") ?? "500", out var b) && b is > 0 and <= 5000
                ? b : throw new ImportException("--batch must be a number between 1 and 5000.");

            var maxEventBytes = int.TryParse(Value(options, "--max-event-bytes") ?? OnlineRetail.DefaultMaxEventBytes.ToString(CultureInfo.InvariantCulture), out var m) && m >= 1024
                ? m : throw new ImportException("--max-event-bytes must be a number of bytes, at least 1024 (set it to the gateway's Gateway:MaxEventBytes).");

            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            var importer = new Importer(new GatewayClient(http, gateway, writeKey), output, batch);
            Dictionary<string, int>? invoiceLines = null;
            if (args[1] == "online-retail")
            {
                using var counting = new CsvReader(file);
                invoiceLines = OnlineRetail.LineCounts(counting);
            }
            using var csv = new CsvReader(file);
            var events = invoiceLines is not null
                ? OnlineRetail.Events(csv, invoiceLines, maxEventBytes).Select(i => (i.Event, i.Lines))
                : new CsvMapping(Value(options, "--event-column"), Value(options, "--event"), Value(options, "--user-column"), Value(options, "--anonymous-column"),
                    Value(options, "--timestamp-column") ?? throw new ImportException("--timestamp-column is required for import csv."),
                    Value(options, "--message-id-column")) is var mapping && mapping.EventColumn is null && mapping.EventName is null
                    ? throw new ImportException("import csv needs --event-column C or --event NAME.")
                    : mapping.Events(csv, Path.GetFileName(file));
            var summary = await importer.RunAsync(events, () => csv.Progress, cancellationToken);
            return summary.Refused.Count == 0 ? 0 : 1;
        }
        catch (Exception ex) when (ex is ImportException or FormatException)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }
    }

    private static async Task<int> RedriveAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "--kafka") || args[0].StartsWith('-'))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        var kafka = args.Length == 3 ? args[2] : Environment.GetEnvironmentVariable("STREAMING_KAFKA") ?? "127.0.0.1:9092";
        try
        {
            return await DeadLetterRedrive.RunAsync(args[0], kafka, output, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or KafkaException)
        {
            await error.WriteLineAsync($"redrive {args[0]}: {ex.Message}");
            return 1;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var known = new[] { "--gateway", "--write-key", "--batch", "--max-event-bytes", "--event-column", "--event", "--user-column", "--anonymous-column", "--timestamp-column", "--message-id-column" };
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!known.Contains(args[i]))
                throw new ImportException($"Unknown option '{args[i]}'.\n{Usage}");
            if (i + 1 >= args.Length)
                throw new ImportException($"{args[i]} needs a value.");
            options[args[i]] = args[i + 1];
        }
        return options;
    }

    private static string? Value(Dictionary<string, string> options, string name) => options.GetValueOrDefault(name);
}
