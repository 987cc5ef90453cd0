using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Streaming.Analytics.Pipeline;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Resilience;
using static Streaming.Analytics.Tests.Events;

namespace Streaming.Analytics.Tests;

/// <summary>
/// The clickhouse-write pipeline around the real batch writer and the embedded ClickHouse, with a
/// <see cref="TcpGate"/> in between that plays the outage: connections refused, then accepted again.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class InsertBatchStep_OutageTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task InsertBatchStep_stores_the_batch_once_when_clickhouse_comes_back_while_it_retries()
    {
        using var outage = new TcpGate(fixture.Port);
        var db = await DatabaseBehindAsync(outage);
        var logs = new CapturedLogs();
        using var loggerFactory = new LoggerFactory([logs]);
        var options = new ResilienceOptions();
        options.ClickHouseWrite.MaxRetryAttempts = 50;
        options.ClickHouseWrite.BaseDelay = TimeSpan.FromMilliseconds(100);
        options.ClickHouseWrite.MaxDelay = TimeSpan.FromMilliseconds(500);
        options.ClickHouseWrite.BreakerEnabled = false;
        var writer = new InsertBatchStep(db.Session, ResiliencePipelines.CreateProvider(options, loggerFactory));

        var insert = writer.InsertAsync("events", MapEventRowStep.Columns, Rows(100), InsertBatchStep.TokenFor("events.identified/0", 0, 99), CancellationToken.None);
        await logs.WaitForAsync("clickhouse-write: attempt");
        outage.Open();
        await insert.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(100, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("Password=", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task InsertBatchStep_fails_at_once_with_an_open_circuit_when_clickhouse_stays_down()
    {
        using var outage = new TcpGate(fixture.Port);
        var db = await DatabaseBehindAsync(outage);
        var logs = new CapturedLogs();
        using var loggerFactory = new LoggerFactory([logs]);
        var options = new ResilienceOptions();
        options.ClickHouseWrite.MaxRetryAttempts = 0;
        options.ClickHouseWrite.BreakerMinimumThroughput = 2;
        options.ClickHouseWrite.BreakerFailureRatio = 0.5;
        options.ClickHouseWrite.BreakDuration = TimeSpan.FromMinutes(5);
        var writer = new InsertBatchStep(db.Session, ResiliencePipelines.CreateProvider(options, loggerFactory));
        Task Insert() => writer.InsertAsync("events", MapEventRowStep.Columns, Rows(10), InsertBatchStep.TokenFor("events.identified/0", 0, 9), CancellationToken.None);

        await Assert.ThrowsAsync<DependencyUnavailableException>(Insert);
        await Assert.ThrowsAsync<DependencyUnavailableException>(Insert);
        outage.Open();
        // ClickHouse answers again, but the circuit stays open for its break: no request reaches it.
        var whileOpen = await Assert.ThrowsAsync<DependencyUnavailableException>(Insert);

        Assert.IsType<BrokenCircuitException>(whileOpen.InnerException);
        Assert.Equal(1, logs.Count("clickhouse-write: circuit opened"));
        Assert.Equal(0, await db.ScalarAsync($"SELECT count() FROM {db.Name}.events"));
    }

    /// <summary>A migrated database reached through <paramref name="outage"/>, which is left closed.</summary>
    private async Task<AnalyticsDatabase> DatabaseBehindAsync(TcpGate outage)
    {
        outage.Open();
        var throughGate = new ClickHouse.Driver.ADO.ClickHouseConnectionStringBuilder(fixture.ConnectionString) { Port = (ushort)outage.Port, Database = "default" };
        var db = await fixture.NewDatabaseAsync(throughGate.ConnectionString);
        outage.Close();
        return db;
    }

    private static List<object[]> Rows(int count) =>
        Enumerable.Range(0, count)
            .Select(i => MapEventRowStep.From(new InboundMessage<IdentifiedEvent>("events.identified", 0, i, "k", Track("t", i, "View", Day(1, 1)), DateTimeOffset.UtcNow, [])))
            .ToList();
}
