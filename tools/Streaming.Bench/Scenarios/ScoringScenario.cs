using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Analytics;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Schema;
using Streaming.Conditions.Evaluation;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.ClickHouse;
using Streaming.Embedded.Kafka;
using Streaming.Embedded.SchemaRegistry;
using Streaming.Profiles;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Storage;
using Streaming.Profiles.Tags;
using Streaming.Scoring;
using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.Scoring.Scoring;
using Streaming.Scoring.Tests;
using Streaming.Scoring.Training;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Bench.Scenarios;

/// <summary>
/// Churn scoring: training time on the Online Retail history (embedded ClickHouse, train 2011-02-01,
/// evaluate 2011-04-01, 60 days); persons scored per second from stored live profiles on every core
/// (features + score, and with the three reasons; beside the previous path: full decode, the ensemble
/// walked once per feature); the service's batched rescoring through Redis; and the latency from a
/// profile change to the published score (profiles + scoring on embedded Kafka and Redis).
/// </summary>
public sealed class ScoringScenario : IBenchScenario
{
    private const string Tenant = "bench";

    /// <summary>A probe customer's orders: days before now, the last one 100 days ago (a lapsed customer).</summary>
    private static readonly int[] ProbeOrderDaysAgo = [160, 130, 100];

    public string Name => "scoring";
    public string Description => "churn model training time on Online Retail, persons scored per second, rescoring through Redis, profile-change-to-score latency (--persons N --probes N --invoices FILE)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var persons = BenchArgs.Int(args, "--persons", 400_000);
        var probes = BenchArgs.Int(args, "--probes", 200);
        var file = BenchArgs.Text(args, "--invoices") ?? Path.Combine("tests", "Streaming.Scoring.Tests", "Data", "online-retail-invoices.csv.gz");
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"{file} not found: run from the repository root or pass --invoices <file> (tests/Streaming.Scoring.Tests/Data/online-retail-invoices.csv.gz).");
            return 2;
        }
        Console.WriteLine($"machine: {Measure.Machine}, load {Measure.LoadAverage()}");
        var events = RetailHistory.Events(Tenant, RetailHistory.Invoices(file));
        Console.WriteLine($"history: {events.Count:N0} order events of {events.Select(e => e.PersonId).Distinct().Count():N0} customers");
        var (model, trainingSeconds) = await TrainAsync(events, cancellationToken);
        if (model is null)
            return 1;
        var e = model.Evaluation;

        // Live profiles as the profiles service stores them, at the end of the history.
        var now = new DateTimeOffset(2011, 5, 31, 23, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var stored = Profiles(events, now);
        var scorer = new ChurnScorer("bench", model, new Bands(50, 75));
        var loadBefore = Measure.LoadAverage();
        // The previous path first, then the current one, each twice (the first run warms the JIT up); the second counts.
        Run(persons / 4, () => PreviousPath(stored, model, now));
        var (previousRate, _) = Run(persons, () => PreviousPath(stored, model, now));
        Run(persons / 4, () => ScoreOnly(stored, scorer, now));
        var (scoreRate, _) = Run(persons, () => ScoreOnly(stored, scorer, now));
        var (fullRate, reasons) = Run(persons, () => WithReasons(stored, scorer, now));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scoring {persons:N0} persons ({stored.Count:N0} distinct stored profiles) on {Environment.ProcessorCount} cores, load {loadBefore} -> {Measure.LoadAverage()}:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  previous path: full decode + features + score + 3 reasons (ensemble once per feature)  {previousRate,10:N0} persons/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  features + score (the rescoring path)                                             {scoreRate,10:N0} persons/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  features + score + 3 reasons (the API)                                            {fullRate,10:N0} persons/s  ({reasons / (double)persons:F1} reasons per person)"));

        var (redisRate, p50, p99, eventP50) = await LiveAsync(model, stored, probes, cancellationToken);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name,
            trainingSeconds = Math.Round(trainingSeconds, 2),
            fastTreeSeconds = Math.Round(e.TrainingSeconds, 2),
            auc = Math.Round(e.Model.Auc, 4),
            baselineAuc = Math.Round(e.Baseline.Auc, 4),
            personsScoredPerSecond = Math.Round(scoreRate),
            personsScoredPerSecondWithReasons = Math.Round(fullRate),
            previousPathPersonsPerSecondWithReasons = Math.Round(previousRate),
            personsRescoredPerSecondThroughRedis = Math.Round(redisRate),
            score_latency_p50_ms = Math.Round(p50, 1),
            score_latency_p99_ms = Math.Round(p99, 1),
            event_to_score_p50_ms = Math.Round(eventP50, 1),
            load_average = Measure.LoadAverage(),
        }));
        return 0;
    }

    private static async Task<(ChurnModelDefinition? Model, double Seconds)> TrainAsync(List<IdentifiedEvent> events, CancellationToken cancellationToken)
    {
        var dir = Path.Combine(Path.GetTempPath(), "streaming-bench-scoring-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var clickHouse = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = dir }, cancellationToken);
            var options = new AnalyticsOptions { Database = "bench", BiDatabase = "bench_bi", FlushIntervalMs = 0 };
            using var session = new ClickHouseSession(Microsoft.Extensions.Options.Options.Create(new ClickHouseOptions { ConnectionString = clickHouse.ConnectionString }),
                Microsoft.Extensions.Options.Options.Create(options));
            await new Migrator(session, NullLogger<Migrator>.Instance).MigrateAsync(cancellationToken);
            var sink = new EventsPipeline(session, new InsertBatchStep(session), new FlushPacing(TimeProvider.System, TimeSpan.Zero, 1));
            await sink.HandleAsync([.. events.Select((e, i) => new InboundMessage<IdentifiedEvent>("events.identified", 0, i, Tenant, e, DateTimeOffset.UtcNow, []))], cancellationToken);

            var request = new TrainingRequest(Tenant, new DateTimeOffset(2011, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2011, 4, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(60));
            var clock = Stopwatch.StartNew();
            var outcome = await new ChurnTrainer(new OfflineChurnFeatures(session.ConnectionString, session.Database)).TrainAsync(request, 0.5, TimeProvider.System, cancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            if (outcome.Model is not { } model)
            {
                Console.Error.WriteLine("training refused: " + outcome.Refusal);
                return (null, seconds);
            }
            var e = model.Evaluation;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training: {seconds:F1} s in all (features from ClickHouse for both cuts, FastTree {e.TrainingSeconds:F1} s, evaluation); AUC {e.Model.Auc:F3} (baseline {e.Baseline.Auc:F3}), precision top 10% {e.Model.PrecisionTop10:F3} (baseline {e.Baseline.PrecisionTop10:F3})"));
            return (model, seconds);
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

    private static List<(long PersonId, byte[] Data)> Profiles(List<IdentifiedEvent> events, long now)
    {
        var tags = TenantTags.Empty(Tenant);
        var profiles = new Dictionary<long, ProfileState>();
        foreach (var e in events)
        {
            if (!profiles.TryGetValue(e.PersonId, out var state))
                profiles[e.PersonId] = state = new ProfileState();
            ApplyEventStep.Apply(state, new EventView(e.Event), tags, now);
        }
        return [.. profiles.Where(p => p.Value.Slots.ContainsKey("n:" + ChurnFeatures.OrderCompleted)).Select(p => (p.Key, ProfileCodec.Encode(p.Value)))];
    }

    /// <summary>One worker per core, each scoring every core-th person with its own buffers.</summary>
    private static (double Rate, long Sum) Run(int persons, Func<Func<int, long>> worker)
    {
        long sum = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, w =>
        {
            var score = worker();
            long local = 0;
            for (var i = w; i < persons; i += Environment.ProcessorCount)
                local += score(i);
            Interlocked.Add(ref sum, local);
        });
        return (persons / clock.Elapsed.TotalSeconds, sum);
    }

    private static Func<int, long> ScoreOnly(List<(long, byte[] Data)> stored, ChurnScorer scorer, long now)
    {
        var vector = new float[ChurnFeatures.Count];
        return i =>
        {
            OnlineChurnFeatures.Of(stored[i % stored.Count].Data, now, vector);
            return scorer.ScoreOf(vector);
        };
    }

    private static Func<int, long> WithReasons(List<(long, byte[] Data)> stored, ChurnScorer scorer, long now)
    {
        var vector = new float[ChurnFeatures.Count];
        return i =>
        {
            OnlineChurnFeatures.Of(stored[i % stored.Count].Data, now, vector);
            return scorer.Score(vector, now).Reasons.Count;
        };
    }

    /// <summary>What the service did before: decode the whole profile, and walk the ensemble once more per feature for the reasons.</summary>
    private static Func<int, long> PreviousPath(List<(long, byte[] Data)> stored, ChurnModelDefinition model, long now) => i =>
    {
        var x = OnlineChurnFeatures.Of(ProfileCodec.Decode(stored[i % stored.Count].Data), now);
        var probability = model.Ensemble.Probability(x);
        var probe = (float[])x.Clone();
        var rises = new List<(int, double)>();
        for (var f = 0; f < x.Length; f++)
        {
            if (x[f] == model.Reference[f])
                continue;
            probe[f] = model.Reference[f];
            rises.Add((f, probability - model.Ensemble.Probability(probe)));
            probe[f] = x[f];
        }
        return rises.Where(r => r.Item2 > 0.005).OrderByDescending(r => r.Item2).Take(3).Select(r => ReasonText.For(r.Item1, x)).Count();
    };

    /// <summary>
    /// Profiles and scoring in one host on embedded Kafka and Redis: first the service's batched
    /// rescoring of stored profiles through Redis, then the latency from a profile change (a trait
    /// change read on profiles.changes) to its published churn_score, read by the same reader.
    /// </summary>
    private static async Task<(double RedisRate, double P50, double P99, double EventP50)> LiveAsync(ChurnModelDefinition model, List<(long PersonId, byte[] Data)> stored, int probes, CancellationToken cancellationToken)
    {
        await using var engines = await ServiceBenchHost.StartAsync(cancellationToken);
        var (kafka, redis, registry) = (engines.Kafka, engines.Redis, engines.Registry);
        var builder = engines.CreateBuilder("scoring", lingerMs: 1);
        builder.AddProfiles();
        builder.AddScoring();
        await using var app = builder.Build();
        await app.StartAsync(cancellationToken);
        var definitions = app.Services.GetRequiredService<DefinitionStore>();
        await definitions.PutAsync(Tenant, DefinitionKind.Model, "bench", model.ToJson(), "bench", cancellationToken);
        var catalog = app.Services.GetRequiredService<ModelCatalog>();
        while (catalog.For(Tenant) is null)
            await Task.Delay(10, cancellationToken);

        // Batched rescoring through Redis: the stored profiles written as the profiles service writes
        // them, then rescored in batches of 500 by two callers (two partitions), each batch with new causes.
        var store = app.Services.GetRequiredService<ProfileStore>();
        var redisPersons = new List<long>();
        for (var copy = 0; copy < 10; copy++)
        {
            foreach (var (personId, data) in stored)
            {
                var id = personId + copy * 1_000_000L;
                await store.TrySaveAsync([(new StoredProfile(Tenant, id, 0, ProfileCodec.Decode(data)), false)], []);
                redisPersons.Add(id);
            }
        }
        var rescoring = app.Services.GetRequiredService<Rescoring>();
        var now = new DateTimeOffset(2011, 5, 31, 23, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        const int BatchSize = 500;
        async Task RescoreAllAsync(int round)
        {
            await Parallel.ForEachAsync(redisPersons.Chunk(BatchSize).Select((batch, n) => (batch, n)), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
                async (work, _) => await rescoring.RescoreManyAsync(Tenant, [.. work.batch.Select(p => new RescoreRequest(p, $"bench/{round}/{work.n}/{p}"))], now));
        }
        await RescoreAllAsync(0);
        var clock = Stopwatch.StartNew();
        const int Rounds = 3;
        for (var round = 1; round <= Rounds; round++)
            await RescoreAllAsync(round);
        var redisRate = Rounds * redisPersons.Count / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  rescoring through Redis ({redis.EngineName}; load profiles, last scores, write moved ones; batches of {BatchSize}, 2 at once)  {redisRate,10:N0} persons/s"));

        // Latency: a lapsed customer's orders, then a trait change; from the trait_changed to its churn_score.
        var seen = new ConcurrentDictionary<(long, string), long>();
        await using var tail = new TopicTail<ProfileChange>(kafka.BootstrapServers, registry.Serdes.For(TopicCatalog.ProfilesChanges), change =>
        {
            if (change.Trait is "name" or Rescoring.ScoreTrait)
                seen.TryAdd((change.PersonId, change.Trait), Stopwatch.GetTimestamp());
        }, fromBeginning: false);
        await Task.Delay(1000, cancellationToken);
        var producer = app.Services.GetRequiredService<IEventProducer>();
        var latencies = new List<double>(probes);
        var eventLatencies = new List<double>(probes);
        var today = DateTimeOffset.UtcNow;
        for (var i = 0; i < probes && !cancellationToken.IsCancellationRequested; i++)
        {
            var person = 90_000_000L + i;
            var orders = ProbeOrderDaysAgo.Select(days => RetailHistory.Track(Tenant, person, ChurnFeatures.OrderCompleted, today.AddDays(-days), $"probe-{person}-{days}", """{"revenue": 40}"""));
            await producer.ProduceAllAsync([.. orders.Select(o => OutboundMessage.Create(TopicCatalog.EventsIdentified, PartitionKey.For(Tenant, person), o))], cancellationToken);
            var identify = new IdentifiedEvent(person, new TrackingEvent
            {
                MessageId = $"probe-{person}-identify",
                Type = "identify",
                Tenant = Tenant,
                Source = "bench",
                UserId = "U" + person,
                Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ReceivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                Traits = """{"name": "probe"}""",
            });
            var sent = Stopwatch.GetTimestamp();
            await producer.ProduceAsync(TopicCatalog.EventsIdentified, PartitionKey.For(Tenant, person), identify, cancellationToken);
            var deadline = Stopwatch.StartNew();
            long scored;
            while (!seen.TryGetValue((person, Rescoring.ScoreTrait), out scored))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                    throw new TimeoutException($"no churn_score for probe person {person} after 30 s");
                await Task.Delay(1, cancellationToken);
            }
            latencies.Add(Stopwatch.GetElapsedTime(seen[(person, "name")], scored).TotalMilliseconds);
            eventLatencies.Add(Stopwatch.GetElapsedTime(sent, scored).TotalMilliseconds);
        }
        await app.StopAsync(CancellationToken.None);
        latencies.Sort();
        eventLatencies.Sort();
        var (p50, p99) = (Measure.Percentile(latencies, 50), Measure.Percentile(latencies, 99));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile change -> published churn_score over {latencies.Count} probes: p50 {p50:F1} ms, p99 {p99:F1} ms, max {latencies[^1]:F1} ms (event -> score p50 {Measure.Percentile(eventLatencies, 50):F1} ms)"));
        return (redisRate, p50, p99, Measure.Percentile(eventLatencies, 50));
    }
}
