using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Embedded.Kafka;
using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.Scoring.Training;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Scoring.Tests;

/// <summary>
/// The scheduled retrain on the Online Retail history, driven by a test clock: at the cron's
/// occurrence it trains on the latest cuts and keeps the published model when that one does better
/// on the new evaluation cut, and publishes the new one when the published one does worse.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class ScheduledRetrain_NotWorseTests(ScoringFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Scheduled_retrain_publishes_only_a_model_not_worse_than_the_published_one()
    {
        var tenant = "retrain-" + Guid.NewGuid().ToString("N")[..8];
        var history = await fixture.NewHistoryAsync();
        await history.StoreAsync(RetailHistory.Events(tenant, RetailHistory.Invoices()));
        using var kafka = EmbeddedKafka.Start(1, TopicCatalog.All.Select(t => (t.Name, t.Partitions)));
        // Tomorrow: models trained by the retrain must be newer than the ones the test publishes now.
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1);
        var clock = new FakeTimeProvider(new DateTimeOffset(today.AddHours(2), TimeSpan.Zero));
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Redis:Configuration"] = fixture.RedisConfiguration + ",abortConnect=false",
            ["ClickHouse:ConnectionString"] = history.ConnectionString,
            ["Admin:ApiKey"] = "ak_scoring_retrain_0001",
            ["Scoring:RetrainCron"] = "0 3 * * *",
            ["Scoring:RetrainDatabase"] = history.Database,
        });
        foreach (var (key, value) in SharedSchemaRegistry.Settings)
            builder.Configuration[key] = value;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddServiceDefaults("scoring-retrain-tests");
        builder.AddScoring();
        await using var app = builder.Build();
        await app.StartAsync();
        var definitions = app.Services.GetRequiredService<DefinitionStore>();
        var catalog = app.Services.GetRequiredService<ModelCatalog>();
        var retrain = app.Services.GetRequiredService<ScheduledRetrain>();

        // Published first: a model fitted on the very persons and labels of the evaluation cut the
        // retrain will judge on. No honestly trained model ranks them better, so it is kept.
        var features = new OfflineChurnFeatures(history.ConnectionString, history.Database);
        var last = (await features.HistoryAsync(tenant, default))!.Value.Last;
        var cut = TrainingRequest.Latest(tenant, last, TimeSpan.FromDays(60), null, null).EvaluateAsOf;
        var persons = await features.AsOfAsync(tenant, cut, default);
        var ordered = await features.OrderedWithinAsync(tenant, cut, TimeSpan.FromDays(60), default);
        var vectors = persons.Select(p => p.Vector).ToList();
        var churned = persons.Select(p => !ordered.Contains(p.PersonId)).ToList();
        await PublishAsync(definitions, catalog, tenant, "churn-fitted-on-evaluation", TestModels.Of(ChurnTrainer.Fit(vectors, churned), vectors, churned));

        await RunOnceAsync(clock, retrain, 1);
        var kept = Assert.Single(retrain.LastOutcomes);
        Assert.Null(kept.PublishedId);
        Assert.Contains("kept churn-fitted-on-evaluation", kept.Reason, StringComparison.Ordinal);
        Assert.Single(catalog.List(tenant));

        // A published model that learned the opposite of the truth does worse: the retrained one replaces it.
        await PublishAsync(definitions, catalog, tenant, "churn-backwards", TestModels.Trained(longWaitMeansChurn: false));
        await RunOnceAsync(clock, retrain, 2);
        var published = Assert.Single(retrain.LastOutcomes);
        Assert.NotNull(published.PublishedId);
        await WaitUntilAsync(() => catalog.For(tenant)?.ModelId == published.PublishedId, "the retrained model to be current");
        Assert.Equal(3, catalog.List(tenant).Count);
        var model = catalog.For(tenant)!.Model;
        Assert.Equal(cut, model.Evaluation.EvaluateAsOf);
        Assert.InRange(model.Evaluation.Model.Auc, 0.5, 1.0);
    }

    private static async Task PublishAsync(DefinitionStore definitions, ModelCatalog catalog, string tenant, string id, ChurnModelDefinition model)
    {
        await definitions.PutAsync(tenant, DefinitionKind.Model, id, model.ToJson(), "test");
        await WaitUntilAsync(() => catalog.For(tenant)?.ModelId == id, id + " to be current");
    }

    /// <summary>Moves the test clock ten minutes at a time while the retrain waits, until round <paramref name="round"/> is complete.</summary>
    private static async Task RunOnceAsync(FakeTimeProvider clock, ScheduledRetrain retrain, int round)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (retrain.Runs < round)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Round {round} of the scheduled retrain did not complete; test clock at {clock.GetUtcNow():O}.");
            if (!retrain.Busy)
                clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(20);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
