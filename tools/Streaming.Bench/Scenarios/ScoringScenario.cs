using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Analytics;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Schema;
using Streaming.Conditions.Evaluation;
using Streaming.Contracts.Records;
using Streaming.Embedded.ClickHouse;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.Scoring.Scoring;
using Streaming.Scoring.Tests;
using Streaming.Scoring.Training;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Churn scoring: training time on the Online Retail history (embedded ClickHouse, train 2011-02-01,
/// evaluate 2011-04-01, 60 days), then persons scored per second from stored live profiles:
/// decode the profile, compute the features, score and find the three reasons, on every core.
/// </summary>
public sealed class ScoringScenario : IBenchScenario
{
    public string Name => "scoring";
    public string Description => "churn model training time on Online Retail, then persons scored per second (--persons N --invoices FILE)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var persons = BenchArgs.Int(args, "--persons", 200_000);
        var file = BenchArgs.Text(args, "--invoices") ?? Path.Combine("tests", "Streaming.Scoring.Tests", "Data", "online-retail-invoices.csv.gz");
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"{file} not found: run from the repository root or pass --invoices <file> (tests/Streaming.Scoring.Tests/Data/online-retail-invoices.csv.gz).");
            return 2;
        }
        Console.WriteLine($"machine: {Measure.Machine}, load {Measure.LoadAverage()}");
        var dir = Path.Combine(Path.GetTempPath(), "streaming-bench-scoring-" + Guid.NewGuid().ToString("N")[..8]);
        await using var clickHouse = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = dir }, cancellationToken);
        try
        {
            var options = new AnalyticsOptions { Database = "bench", BiDatabase = "bench_bi", FlushIntervalMs = 0 };
            using var session = new ClickHouseSession(Microsoft.Extensions.Options.Options.Create(new ClickHouseOptions { ConnectionString = clickHouse.ConnectionString }),
                Microsoft.Extensions.Options.Options.Create(options));
            await new Migrator(session, NullLogger<Migrator>.Instance).MigrateAsync(cancellationToken);
            var invoices = RetailHistory.Invoices(file);
            var events = RetailHistory.Events("bench", invoices);
            var sink = new EventsPipeline(session, new InsertBatchStep(session), new FlushPacing(TimeProvider.System, TimeSpan.Zero, 1));
            await sink.HandleAsync([.. events.Select((e, i) => new InboundMessage<IdentifiedEvent>("events.identified", 0, i, "bench", e, DateTimeOffset.UtcNow, []))], cancellationToken);
            Console.WriteLine($"history: {events.Count:N0} order events of {events.Select(e => e.PersonId).Distinct().Count():N0} customers");

            var request = new TrainingRequest("bench", new DateTimeOffset(2011, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2011, 4, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(60));
            var clock = Stopwatch.StartNew();
            var outcome = await new ChurnTrainer(new OfflineChurnFeatures(session.ConnectionString, session.Database)).TrainAsync(request, 0.5, TimeProvider.System, cancellationToken);
            var trainingSeconds = clock.Elapsed.TotalSeconds;
            if (outcome.Model is not { } model)
            {
                Console.Error.WriteLine("training refused: " + outcome.Refusal);
                return 1;
            }
            var e = model.Evaluation;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training: {trainingSeconds:F1} s in all (features from ClickHouse for both cuts, FastTree {e.TrainingSeconds:F1} s, evaluation); AUC {e.Model.Auc:F3} (baseline {e.Baseline.Auc:F3}), precision top 10% {e.Model.PrecisionTop10:F3} (baseline {e.Baseline.PrecisionTop10:F3})"));

            // Live profiles as the profiles service stores them, at the end of the history.
            var now = new DateTimeOffset(2011, 5, 31, 23, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
            var encoded = Profiles(events, now);
            var scorer = new ChurnScorer("bench", model, new Bands(50, 75));
            var (scoreRate, _) = Run(persons, encoded, now, p => scorer.ScoreOf(p));
            var (fullRate, reasons) = Run(persons, encoded, now, p => scorer.Score(p, now).Reasons.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scoring {persons:N0} persons ({encoded.Count:N0} distinct profiles) on {Environment.ProcessorCount} cores:"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  decode + features + score (the rescoring path)   {scoreRate,12:N0} persons/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  decode + features + score + 3 reasons (the API)  {fullRate,12:N0} persons/s  ({reasons / (double)persons:F1} reasons per person)"));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name,
                trainingSeconds = Math.Round(trainingSeconds, 2),
                fastTreeSeconds = Math.Round(e.TrainingSeconds, 2),
                auc = Math.Round(e.Model.Auc, 4),
                baselineAuc = Math.Round(e.Baseline.Auc, 4),
                personsScoredPerSecond = Math.Round(scoreRate),
                personsScoredPerSecondWithReasons = Math.Round(fullRate),
            }));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // chDB may still hold a file for a moment; the temp folder is cleaned later.
            }
        }
    }

    private static List<byte[]> Profiles(List<IdentifiedEvent> events, long now)
    {
        var tags = TenantTags.Empty("bench");
        var profiles = new Dictionary<long, ProfileState>();
        foreach (var e in events)
        {
            if (!profiles.TryGetValue(e.PersonId, out var state))
                profiles[e.PersonId] = state = new ProfileState();
            ApplyEventStep.Apply(state, new EventView(e.Event), tags, now);
        }
        return [.. profiles.Values.Where(p => p.Slots.ContainsKey("n:" + ChurnFeatures.OrderCompleted)).Select(ProfileCodec.Encode)];
    }

    private static (double Rate, long Sum) Run(int persons, List<byte[]> encoded, long now, Func<float[], int> score)
    {
        long sum = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, worker =>
        {
            long local = 0;
            for (var i = worker; i < persons; i += Environment.ProcessorCount)
                local += score(OnlineChurnFeatures.Of(ProfileCodec.Decode(encoded[i % encoded.Count]), now));
            Interlocked.Add(ref sum, local);
        });
        return (persons / clock.Elapsed.TotalSeconds, sum);
    }
}
